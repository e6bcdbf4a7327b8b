"""Reads of citizens' juries and consensus conferences: the list, a room's jury, who takes part, the
ballots of a closed verdict (choices only) and the minority opinions as published."""

import json

from django.db.models import Q, QuerySet

from core import search as text_search

from deliberation.juries.models import Jury
from deliberation.juries.rules import seated_jurors
from deliberation.juries.states import JuryState
from deliberation.rooms.models import Room, RoomMember
from deliberation.rooms.states import MemberRole

# --- Citizens' juries and consensus conferences -----------------------------------------------------------


def juries() -> QuerySet:
    """Every jury and conference: their question, stages and results are public."""
    return Jury.objects.select_related("facilitator", "proposal").order_by("-created_at", "-pk")


def jury_for_room(room: Room):
    """The jury whose hearing or private room this is, or None."""
    return Jury.objects.filter(Q(room=room) | Q(private_room=room)).first()


def room_page_context(room: Room) -> dict:
    """Registered with the rooms' page (rooms.extensions): a jury's hearing or private room shows the jury's
    question, its open vote and the live draft."""
    jury = jury_for_room(room)
    if jury is None:
        return {"jury": None}
    return {"jury": jury, "jury_open_verdict": jury.verdicts.filter(state="open").exists(),
            "jury_stage_labels": {value: str(label) for value, label in JuryState.choices}}


def jury_people(jury) -> dict:
    """Who takes part, for the jury's pages: seated jurors, experts, observers (names; the jurors counted)."""
    hearing = RoomMember.objects.filter(room_id=jury.room_id, invited=True, removed_at__isnull=True).select_related(
        "user").order_by("joined_at", "pk")
    return {
        "jurors": [m.user for m in seated_jurors(jury).select_related("user").order_by("joined_at", "pk")],
        "experts": [m.user for m in hearing if m.role == MemberRole.SPEAKER],
        "observers": [m.user for m in hearing if m.role == MemberRole.OBSERVER],
    }


def verdict_ballots(verdict) -> list:
    """The ballots of a closed verdict as an export reads them: choices only, ordered by choice."""
    choices = list(verdict.ballots.values_list("choice", flat=True))
    return sorted(choices, key=lambda c: json.dumps(c, ensure_ascii=False))


def minority_opinions(recommendation) -> list[dict]:
    """As published: a signed opinion with its author's public name, the others anonymous."""
    return [{"author": o.author.public_name if o.signed else None, "text": o.text, "signed": o.signed}
            for o in recommendation.minority_opinions.select_related("author")]


def latest_verdict(jury):
    """The jury's last verdict (open or closed), or None."""
    return jury.verdicts.order_by("-number").first()


def closed_verdicts(jury) -> list:
    return list(jury.verdicts.filter(state="closed").order_by("number"))


# --- The site-wide search -----------------------------------------------------------------------------------


def search(*, query: str, viewer=None) -> QuerySet:
    """The site-wide search's juries and conferences: every one is public (``juries``), by title and question."""
    found = text_search.text_filter(juries(), query, fields=("title", "question"))
    return text_search.title_first(found, query).order_by("-in_title", "-created_at", "-pk")
