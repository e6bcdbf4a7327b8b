from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from accounts.profile_sections import register_profile_section  # models load first (AppConfig.ready)

        from .profile import comments_section, proposals_section

        register_profile_section(proposals_section)
        register_profile_section(comments_section)
