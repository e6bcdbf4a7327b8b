"""The one race harness: callables started at the same moment, each in its own thread and connection."""

import threading

from django.db import connections


def run_together(*calls, start_timeout: float = 30, join_timeout: float = 60) -> list[BaseException]:
    """Run every call in its own thread, all released at once by a barrier; return what they raised.

    Each thread closes its database connections when done (PostgreSQL row locks are per connection, so
    a race needs real threads with their own). A thread still running after ``join_timeout`` fails the test.
    """
    barrier, errors, lock = threading.Barrier(len(calls)), [], threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=start_timeout)
            call()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=join_timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread of the race hung"
    return errors
