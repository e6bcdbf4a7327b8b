from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        # Each package connects what it hears from the other apps (the dashboard's tallies, monitoring).
        from governance import receivers  # noqa: F401 - connects the signal receivers
