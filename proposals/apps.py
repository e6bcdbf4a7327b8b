from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        # Models load first (AppConfig.ready); accounts, the bottom app, takes our parts through its registries.
        from accounts import personal_data
        from accounts.profile_sections import register_profile_section

        from . import personal_data as ours
        from .profile import comments_section, proposals_section

        register_profile_section(proposals_section)
        register_profile_section(comments_section)
        personal_data.register("proposals", export=ours.export, erase=ours.erase)
