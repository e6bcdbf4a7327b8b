from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        from imports import registry

        from .services.pb_import import run_pb_import

        registry.register("pb", run_pb_import, max_bytes_setting="VOTE_IMPORT_MAX_BYTES")
