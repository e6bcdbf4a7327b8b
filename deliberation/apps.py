from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self) -> None:
        from imports import registry

        from deliberation.panels.services.pool_import import run_pool_import

        registry.register("pool", run_pool_import, max_bytes_setting="POOL_IMPORT_MAX_BYTES")

        from deliberation.panels.services import seating  # noqa: F401  (seats confirmed invitations' people)
