from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "budget"
    label = "budget"
    verbose_name = _("Participatory budget")

    def ready(self) -> None:
        from budget import receivers  # noqa: F401 - connects signal receivers and registers extensions
