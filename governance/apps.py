from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        # Each package connects what it hears from the other apps (the dashboard's tallies, monitoring).
        from governance import receivers  # noqa: F401 - connects the signal receivers

        from accounts import personal_data
        from governance.committees import personal_data as committees_data

        personal_data.register("governance_committees", export=committees_data.export, erase=committees_data.erase)
