from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from accounts import personal_data

        from . import personal_data as ours

        personal_data.register("proposals", export=ours.export, erase=ours.erase)
