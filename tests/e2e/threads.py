"""Run ORM work from a browser test in its own thread."""

import threading


def in_a_thread(function) -> None:
    """ORM work that broadcasts (async_to_sync) cannot run in the test thread: Playwright's loop runs there."""
    from django.db import connection

    def run():
        try:
            function()
        finally:
            connection.close()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
