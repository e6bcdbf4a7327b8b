from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        from accounts import personal_data
        from imports import registry

        from . import personal_data as ours
        from .services.pb_import import run_pb_import

        registry.register("pb", run_pb_import, max_bytes_setting="VOTE_IMPORT_MAX_BYTES")
        personal_data.register("voting", export=ours.export)
