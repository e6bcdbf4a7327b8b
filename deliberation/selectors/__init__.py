"""Reads of the deliberation module that are more than a .get(), by concept: the rooms and their record,
drawing panels (the pool, draws, invitations), deliberative polls, juries. Callers use
``deliberation.selectors.<name>``; each module holds its own."""

from .deliberative_polls import (
    DPOLL_SUBGROUPS,
    REPORT_CACHE_SECONDS,
    dpoll_anonymous_responses,
    dpoll_core_data,
    dpoll_export_secret,
    dpoll_panel_counts,
    dpoll_report,
    my_dpoll_participation,
)
from .juries import (
    closed_verdicts,
    juries,
    jury_for_room,
    jury_people,
    minority_opinions,
    verdict_ballots,
)
from .panels import (
    PROFILE_FEATURES,
    confirmed_people,
    draw_progress,
    invitation_record,
    my_invitations,
    pending_invitation_count,
    pool_people_csv,
    pool_snapshot,
    pool_snapshot_hash,
    unemailed_invitation_ids,
)
from .rooms import (
    floor_stats,
    recent_chat,
    record_tables_for,
    room_record,
    rooms_for_proposal,
    visible_rooms,
)

__all__ = [
    "DPOLL_SUBGROUPS", "PROFILE_FEATURES", "REPORT_CACHE_SECONDS", "closed_verdicts", "confirmed_people",
    "dpoll_anonymous_responses", "dpoll_core_data", "dpoll_export_secret", "dpoll_panel_counts", "dpoll_report",
    "draw_progress", "floor_stats", "invitation_record", "juries", "jury_for_room", "jury_people",
    "minority_opinions", "my_dpoll_participation", "my_invitations", "pending_invitation_count", "pool_people_csv",
    "pool_snapshot", "pool_snapshot_hash", "recent_chat", "record_tables_for", "room_record", "rooms_for_proposal",
    "unemailed_invitation_ids", "verdict_ballots", "visible_rooms",
]
