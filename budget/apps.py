from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "budget"
    label = "budget"
    verbose_name = _("Participatory budget")

    def ready(self) -> None:
        from budget import receivers  # noqa: F401 - connects signal receivers and registers extensions
        from budget.execution.api import router as execution_router
        from governance.api.api import api

        # The open-data API's budget operations (/api/v1/budget-cycles...): added before the URL conf is built.
        api.add_router("/", execution_router)
