"""Drawing panels by lot (추첨): pure Python over plain data, shared by `manage.py draw` and the web draw.

No database here. ``pool`` reads and writes the Sortition Foundation's CSV layout, ``rfc3797`` turns
public values into the key string and its hashes, ``feasibility`` says which quota cannot be met and
by how much, ``lottery`` draws (maximin over profiles, ``profiles``, or `sortition-algorithms`, in an
isolated process: ``engine``, ``isolation``). See docs/juries.md, "Drawing by lot".
"""

from deliberation.panels.sortition.lottery import (
    ALGORITHMS, DEFAULT_ALGORITHM, MAXIMIN, Distribution, DrawResult, InfeasibleQuotas, ProfileDistribution,
    compute_distribution, distribution_from_record, draw, draw_each, method_for, pick_panel, selected_people,
)
from deliberation.panels.sortition.pool import (
    Pool, PoolError, Quota, SortitionError, read_people, read_quotas, write_people, write_quotas,
)

__all__ = [
    "ALGORITHMS", "DEFAULT_ALGORITHM", "MAXIMIN", "Distribution", "DrawResult", "InfeasibleQuotas", "Pool",
    "PoolError", "ProfileDistribution", "Quota", "SortitionError", "compute_distribution", "distribution_from_record",
    "draw", "draw_each", "method_for", "pick_panel", "read_people", "read_quotas", "selected_people", "write_people",
    "write_quotas",
]
