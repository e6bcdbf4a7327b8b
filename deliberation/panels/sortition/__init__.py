"""Drawing panels by lot (추첨): pure Python over plain data, shared by `manage.py draw` and the web draw.

No database here. ``pool`` reads and writes the Sortition Foundation's CSV layout, ``rfc3797`` turns
public values into the key string and its hashes, ``feasibility`` says which quota cannot be met and
by how much, ``lottery`` draws (through `sortition-algorithms`, in an isolated process: ``engine``,
``isolation``). See docs/juries.md, "Drawing by lot".
"""

from deliberation.panels.sortition.lottery import (
    ALGORITHMS, DEFAULT_ALGORITHM, Distribution, DrawResult, InfeasibleQuotas, compute_distribution, draw, draw_each,
    pick_panel,
)
from deliberation.panels.sortition.pool import (
    Pool, PoolError, Quota, SortitionError, read_people, read_quotas, write_people, write_quotas,
)

__all__ = [
    "ALGORITHMS", "DEFAULT_ALGORITHM", "Distribution", "DrawResult", "InfeasibleQuotas", "Pool", "PoolError",
    "Quota", "SortitionError", "compute_distribution", "draw", "draw_each", "pick_panel", "read_people",
    "read_quotas", "write_people", "write_quotas",
]
