"""Celery tasks of budget/; each package's own tasks live in it, and importing them here is what registers
them (Celery autodiscovers this module)."""

from budget.cycles.tasks import advance_due_cycles  # noqa: F401 (registers it)
from budget.execution.tasks import sync_tallied_cycles  # noqa: F401 (registers it)
