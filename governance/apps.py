from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from governance import receivers  # noqa: F401 - registers panels, data sections and signal receivers
