"""Serve the embedded default (SQLite, in-memory channel layer) with its in-process deadline sweeper."""

import os

from daphne.management.commands.runserver import Command as DaphneRunserver

from proposals.scheduler import start_embedded_sweeper


class Command(DaphneRunserver):
    help = "Run the ASGI development server plus the sweeper that closes deadlines (embedded default)."

    def handle(self, *args, **options):
        # With the autoreloader the server runs in a child process (RUN_MAIN=true): start the sweeper there.
        if not options.get("use_reloader", True) or os.environ.get("RUN_MAIN") == "true":
            start_embedded_sweeper()
        super().handle(*args, **options)
