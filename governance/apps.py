from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        # Each package connects what it hears from the other apps (the dashboard's tallies, monitoring).
        from governance import receivers  # noqa: F401 - connects the signal receivers
        from governance.meetings import tasks  # noqa: F401 - registers the beat task (Celery autodiscovers governance.tasks only)
        from proposals.extensions import register_follow_up_panel

        register_follow_up_panel("governance/meetings/_follow_up_source.html")
