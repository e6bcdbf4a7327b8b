from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once the app registry is ready.
        from accounts import personal_data
        from imports import registry

        from deliberation import personal_data as ours

        from deliberation.deliberative_polls import receivers as dpoll_receivers
        from deliberation.juries import receivers as jury_receivers
        from deliberation.juries.realtime import register_frames
        from deliberation.panels.services.pool_import import run_pool_import

        registry.register("pool", run_pool_import, max_bytes_setting="POOL_IMPORT_MAX_BYTES")
        # The packages above rooms and panels extend them here (deliberation/signals.py, rooms/extensions.py):
        # the juries and polls seat confirmed invitations' people, juries add to the room page and its protocol.
        jury_receivers.connect()
        dpoll_receivers.connect()
        register_frames()
        personal_data.register("deliberation", export=ours.export, erase=ours.erase)
