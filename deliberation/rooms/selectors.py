"""Reads of the live rooms: who sees which room, the floor's statistics, the chat, the room's record, and
the payloads the live room sends (hello's snapshot, the queue, questions, polls, presence, tables)."""

import time
from bisect import bisect_right
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from realtime.cache import BoundedCache

from core import search as text_search

from deliberation.rooms import rules
from deliberation.rooms.models import (
    ChatMessage, Hand, LiveAnswer, LivePoll, MoveOnVote, Question, QuestionVote, Room, RoomMember, Round, Table,
    TableSeat,
)
from deliberation.rooms.states import (
    OPEN_HAND_STATES, SCALE, Access, HandState, MemberRole, PollKind, PollState, QuestionState, RoomState,
)


def visible_rooms(*, user) -> QuerySet:
    """Open, live and ended rooms the user may enter, plus the rooms they facilitate (drafts too).

    Anyone, signed in or not, sees the public ones: a city's deliberation is listed in the open, even if
    entering a room asks for an account (the room page) and only an ended room's record is public."""
    rooms = Room.objects.select_related("current_round", "facilitator")
    public = Q(state__in=[RoomState.OPEN, RoomState.LIVE, RoomState.ENDED], access=Access.PUBLIC)
    if not user.is_authenticated:
        return rooms.filter(public).order_by("-created_at")
    if user.is_city_admin:
        return rooms.order_by("-created_at")
    invited = Q(state__in=[RoomState.OPEN, RoomState.LIVE, RoomState.ENDED], members__user=user,
                members__invited=True, members__removed_at__isnull=True)
    return rooms.filter(public | invited | Q(facilitator=user)).distinct().order_by("-created_at")


# The sections of the rooms list, in the order the page shows them: what is on now, what is coming,
# what stays as a record; drafts only reach their facilitator and admins.
ROOM_LIST_SECTIONS = (RoomState.LIVE, RoomState.OPEN, RoomState.ENDED, RoomState.DRAFT)


def room_list_sections(*, user) -> list[dict]:
    """``visible_rooms`` grouped by state for the rooms list: [{"state", "rooms"}] in ROOM_LIST_SECTIONS
    order. Live rooms, upcoming (open, waiting to start) and ended ones come even when empty, so the
    page can say so; drafts only when there are some. Ended rooms are newest-ended first."""
    by_state: dict[str, list[Room]] = {state: [] for state in ROOM_LIST_SECTIONS}
    for room in visible_rooms(user=user):
        by_state[room.state].append(room)
    by_state[RoomState.ENDED].sort(key=lambda r: r.ended_at or r.created_at, reverse=True)
    return [{"state": state, "rooms": by_state[state]} for state in ROOM_LIST_SECTIONS
            if by_state[state] or state != RoomState.DRAFT]


def floor_stats(room: Room) -> list[dict]:
    """Who has had the floor, for the facilitator: per participant (not observers, not removed), speaking
    turns (hands that reached speaking), chat messages and their share of the room's chat in percent.

    The quietest first (fewest turns, then fewest messages), so the facilitator sees whom to invite.
    """
    members = (RoomMember.objects.filter(room=room, removed_at__isnull=True).exclude(role=MemberRole.OBSERVER)
               .select_related("user"))
    turns = dict(Hand.objects.filter(room=room, floor_given_at__isnull=False).values("user_id")
                 .annotate(n=Count("pk")).values_list("user_id", "n"))
    messages = dict(ChatMessage.objects.filter(room=room).values("author_id")
                    .annotate(n=Count("pk")).values_list("author_id", "n"))
    total = sum(messages.values())
    rows = [{"user_id": m.user_id, "name": m.user.public_name, "turns": turns.get(m.user_id, 0),
             "messages": messages.get(m.user_id, 0),
             "chat_share": round(100 * messages.get(m.user_id, 0) / total, 1) if total else 0.0}
            for m in members]
    return sorted(rows, key=lambda r: (r["turns"], r["messages"], r["name"]))


def recent_chat(*, room: Room, up_to_seq: int, limit: int) -> list[ChatMessage]:
    """The last ``limit`` visible chat messages at or below ``up_to_seq``, oldest first (for the page)."""
    newest = (ChatMessage.objects.filter(room=room, hidden_at__isnull=True, seq__lte=up_to_seq)
              .select_related("author").order_by("-seq")[:limit])
    return list(newest)[::-1]


# --- The room's record (issue 3, "After the room") --------------------------------------------------
#
# One read gives everything the record page and its downloads show; hidden chat lines and hidden
# questions never leave it. The queries are a fixed handful whatever the size of the room.


def rooms_for_proposal(*, proposal, viewer) -> list[Room]:
    """The rooms that deliberated (or deliberate) ``proposal`` whose record ``viewer`` may read, oldest first.

    Kept here rather than in proposals/selectors.py: who may see a room is the deliberation module's
    rule, and the proposal page only asks. Two queries: the rooms, and the viewer's memberships.
    """
    rooms = list(Room.objects.filter(proposal=proposal).select_related("facilitator").order_by("created_at", "pk"))
    if not rooms:
        return []
    members = {}
    if viewer.is_authenticated:
        members = {m.room_id: m for m in RoomMember.objects.filter(room__in=rooms, user=viewer)}
    return [room for room in rooms if rules.may_read_record(viewer, room, members.get(room.pk))]


def _seconds_between(start, end) -> int | None:
    return int((end - start).total_seconds()) if start and end else None


def _record_rounds(room: Room) -> list[dict]:
    return [{
        "id": r.pk, "position": r.position, "kind": r.kind, "kind_label": str(r.get_kind_display()),
        "title": r.title, "state": r.state, "state_label": str(r.get_state_display()),
        "planned_seconds": r.duration_seconds, "started_at": r.started_at, "ended_at": r.ended_at,
        # wall-clock time from start to end, pauses included
        "actual_seconds": _seconds_between(r.started_at, r.ended_at),
    } for r in Round.objects.filter(room=room).order_by("position")]


def _round_at(starts: list, started: list[dict], when) -> dict | None:
    """The round that was running at ``when``: the last one started at or before it, if not yet ended.
    ``started``: the rounds that started, by start time; ``starts``: their start times."""
    index = bisect_right(starts, when) - 1
    if index < 0:
        return None
    rnd = started[index]
    return rnd if rnd["ended_at"] is None or when <= rnd["ended_at"] else None


def record_tables_for(room: Room, viewer) -> list[int] | None:
    """The tables whose chat ``viewer`` finds in the record: as in the room (readable_tables),
    every table (None) for its facilitator and admins, the tables they sat at for others, none for
    anonymous visitors. Table talk was said to a table, not to the public; its summary is what the
    table gave the plenary, and that is in every record."""
    return readable_tables(room, viewer) if viewer is not None and viewer.is_authenticated else []


def _record_transcript(room: Room, rounds: list[dict], table_ids: list[int] | None) -> list[dict]:
    """Visible chat lines in seq order; chat carries no round, so each line gets the round running when
    it was written (chat is only open while a round runs). ``table`` is None for plenary chat; table
    lines only of ``table_ids`` (None: every table)."""
    started = sorted((r for r in rounds if r["started_at"]), key=lambda r: r["started_at"])
    starts = [r["started_at"] for r in started]
    messages = ChatMessage.objects.filter(room=room, hidden_at__isnull=True).select_related("author", "table")
    if table_ids is not None:
        messages = messages.filter(Q(table__isnull=True) | Q(table_id__in=table_ids))
    lines = []
    for message in messages.order_by("seq"):
        rnd = _round_at(starts, started, message.created_at)
        lines.append({
            "seq": message.seq, "created_at": message.created_at, "author": message.author.public_name,
            "body": message.body, "round_id": rnd["id"] if rnd else None, "round_title": rnd["title"] if rnd else "",
            "round_position": rnd["position"] if rnd else None,
            "table": message.table.number if message.table_id else None,
        })
    return lines


def _poll_summary(poll, answers: list[list[int]]) -> dict:
    """Counts as poll_results makes them, from answers read in one query for the whole room;
    per option the count and the share of respondents in percent (several choices may exceed 100 in
    all), and the mean for a 1-5 scale."""
    is_scale = poll.kind == PollKind.SCALE
    labels = [str(value) for value in SCALE] if is_scale else list(poll.options)
    counts = [0] * len(labels)
    for choices in answers:
        for choice in choices:
            index = choice - 1 if is_scale else choice
            if 0 <= index < len(counts):
                counts[index] += 1
    total = len(answers)
    mean = None
    if is_scale and sum(counts):
        mean = round(sum(value * n for value, n in zip(SCALE, counts)) / sum(counts), 2)
    return {
        "id": poll.pk, "question": poll.question, "kind": poll.kind, "kind_label": str(poll.get_kind_display()),
        "state": poll.state, "round_title": poll.round.title if poll.round else "", "opened_at": poll.opened_at,
        "closed_at": poll.closed_at, "total": total, "mean": mean,
        "options": [{"label": label, "count": n, "percent": round(100 * n / total, 1) if total else 0.0}
                    for label, n in zip(labels, counts)],
    }


def _record_polls(room: Room) -> list[dict]:
    answers = defaultdict(list)
    for poll_id, choices in LiveAnswer.objects.filter(poll__room=room).values_list("poll_id", "choices"):
        answers[poll_id].append(choices)
    polls = LivePoll.objects.filter(room=room).select_related("round").order_by("opened_at", "pk")
    return [_poll_summary(poll, answers[poll.pk]) for poll in polls]


def _record_questions(room: Room) -> list[dict]:
    questions = (Question.objects.filter(room=room).exclude(state=QuestionState.HIDDEN)
                 .select_related("author", "round").order_by("round__position", "-votes_count", "created_at", "pk"))
    return [{"id": q.pk, "round_title": q.round.title, "body": q.body, "author": q.author.public_name,
             "votes": q.votes_count, "state": q.state, "state_label": str(q.get_state_display()),
             "created_at": q.created_at} for q in questions]


def _record_tables(room: Room) -> list[dict]:
    """Breakout tables in the order they opened, with who sat there and the summary sent to the plenary."""
    tables = (Table.objects.filter(room=room).select_related("facilitator", "summary_by", "round")
              .annotate(seated=Count("seats")).order_by("opened_at", "number", "pk"))
    return [{"number": t.number, "round_title": t.round.title if t.round else "", "seated": t.seated,
             "facilitator": t.facilitator.public_name if t.facilitator else "",
             "summary": t.summary, "summary_by": t.summary_by.public_name if t.summary_by else "",
             "summary_at": t.summary_at, "opened_at": t.opened_at, "closed_at": t.closed_at} for t in tables]


def _record_people(room: Room) -> dict:
    present = RoomMember.objects.filter(room=room, removed_at__isnull=True)
    counts = present.aggregate(observers=Count("pk", filter=Q(role=MemberRole.OBSERVER)),
                               participants=Count("pk", filter=~Q(role=MemberRole.OBSERVER)))
    return {"participants": counts["participants"], "observers": counts["observers"]}


def room_record(room: Room, *, viewer=None) -> dict:
    """Everything the record shows: the room, the agenda as it ran, the visible transcript, poll results,
    questions (not hidden ones), table summaries, how many took part and who facilitated.

    The transcript holds the plenary chat and the table chat ``viewer`` could read in the room
    (record_tables_for); without a viewer, the plenary only.

    ``participants`` counts memberships that are not observers and were not removed (an invited member
    counts from the invitation). Datetimes are aware; the exports write them in the city's time zone.
    """
    rounds = _record_rounds(room)
    tables = _record_tables(room)
    facilitators = [room.facilitator.public_name]
    facilitators += [t["facilitator"] for t in tables if t["facilitator"] and t["facilitator"] not in facilitators]
    return {
        "room": {"id": room.pk, "title": room.title, "description": room.description, "state": room.state,
                 "state_label": str(room.get_state_display()), "access": room.access,
                 "access_label": str(room.get_access_display()), "created_at": room.created_at,
                 "opened_at": room.opened_at, "ended_at": room.ended_at,
                 "proposal_id": room.proposal_id},
        "facilitator": facilitators[0], "facilitators": facilitators,
        **_record_people(room),
        "rounds": rounds, "transcript": _record_transcript(room, rounds, record_tables_for(room, viewer)),
        "polls": _record_polls(room),
        "questions": _record_questions(room), "tables": tables,
    }


# --- What the live room sends: hello's snapshot and the payloads of its events ---------------------------
#
# Reads only: the services that change a room call these to build the event they publish, and the
# consumer calls room_state_snapshot (through services.enter_many) for hello.

def round_data(rnd: Round, now: datetime) -> dict:
    return {
        "round": {"id": rnd.pk, "position": rnd.position, "kind": rnd.kind, "title": rnd.title,
                  "state": rnd.state, "speakers": rnd.speakers, "chat_open": rnd.chat_open,
                  "turn_seconds": rnd.turn_seconds, "duration_seconds": rnd.duration_seconds},
        "deadline": rnd.deadline_at.isoformat() if rnd.deadline_at else None,
        "remaining_seconds": rnd.seconds_left(now),
        "server_time": now.isoformat(),
    }


def queue_data(room_id: int, now: datetime) -> dict:
    """The whole queue as clients show it: the speaker first, then the waiting hands in order."""
    hands = (Hand.objects.filter(room_id=room_id, state__in=OPEN_HAND_STATES).select_related("user")
             .order_by("raised_at", "pk"))
    ordered = sorted(hands, key=lambda h: h.state != HandState.SPEAKING)  # stable: raised order kept
    return {
        "queue": [{"hand_id": h.pk, "user_id": h.user_id, "name": h.user.public_name, "state": h.state,
                   "raised_at": h.raised_at.isoformat(),
                   "turn_deadline": h.turn_deadline_at.isoformat() if h.turn_deadline_at else None}
                  for h in ordered],
        "server_time": now.isoformat(),
    }


def ranked_questions(round_id: int) -> list[Question]:
    return list(Question.objects.filter(round_id=round_id).exclude(state=QuestionState.HIDDEN)
                .select_related("author").order_by("-votes_count", "created_at", "pk"))


def questions_data(round_id: int, now: datetime) -> dict:
    return {
        "round_id": round_id,
        "questions": [{"id": q.pk, "author_id": q.author_id, "author": q.author.public_name, "body": q.body,
                       "state": q.state, "votes": q.votes_count, "created_at": q.created_at.isoformat()}
                      for q in ranked_questions(round_id)],
        "server_time": now.isoformat(),
    }


def poll_data(poll: LivePoll) -> dict:
    return {"id": poll.pk, "question": poll.question, "kind": poll.kind, "options": poll.options,
            "max_choices": poll.max_choices, "state": poll.state, "round_id": poll.round_id,
            "opened_at": poll.opened_at.isoformat(), "closes_at": poll.closes_at.isoformat(),
            "closed_at": poll.closed_at.isoformat() if poll.closed_at else None}


def poll_results(poll: LivePoll) -> dict:
    """Counts per option (per scale value 1-5 for a scale, index 0 being 1) and the number of answers."""
    size = len(SCALE) if poll.kind == PollKind.SCALE else len(poll.options)
    counts = [0] * size
    total = 0
    for choices in poll.answers.values_list("choices", flat=True):
        total += 1
        for choice in choices:
            index = choice - 1 if poll.kind == PollKind.SCALE else choice
            if 0 <= index < size:
                counts[index] += 1
    return {"poll_id": poll.pk, "counts": counts, "total": total}


PRESENCE_STALE = timedelta(seconds=90)


PRESENCE_LIST_MAX = 100  # hello and each update list at most this many people (and always the count)


def present_members(room_id: int, now: datetime):
    return RoomMember.objects.filter(room_id=room_id, connections__gt=0, seen_at__gte=now - PRESENCE_STALE,
                                     removed_at__isnull=True)


def _open_table_of():
    """Annotation: the open table a member sits at now (None in the plenary)."""
    seats = TableSeat.objects.filter(table__room_id=OuterRef("room_id"), user_id=OuterRef("user_id"),
                                     table__closed_at__isnull=True, left_at__isnull=True)
    return seats.values("table_id")[:1]


def member_entry(member: RoomMember, now: datetime, table_id=None) -> dict:
    present = (member.connections > 0 and member.seen_at is not None and member.seen_at >= now - PRESENCE_STALE
               and member.removed_at is None)
    return {"user_id": member.user_id, "name": member.user.public_name, "role": member.role, "present": present,
            "muted": member.muted, "table_id": table_id}


def presence_data(room_id: int, now: datetime) -> dict:
    """For hello: the people present (at most PRESENCE_LIST_MAX, newest first) and how many there are."""
    present = present_members(room_id, now)
    listed = (present.select_related("user").annotate(table_id=Subquery(_open_table_of()))
              .order_by("-presence_changed_at", "pk")[:PRESENCE_LIST_MAX])
    return {"presence": [{k: v for k, v in member_entry(m, now, m.table_id).items() if k != "present"}
                         for m in listed],
            "presence_count": present.count()}


def open_tables(room_id: int):
    return Table.objects.filter(room_id=room_id, closed_at__isnull=True).order_by("number")


def tables_data(room_id: int) -> list[dict]:
    """The open tables with their members now, in number order (for hello and the tables.* events)."""
    tables = list(open_tables(room_id))
    seats = (TableSeat.objects.filter(table__in=tables, left_at__isnull=True).select_related("user")
             .order_by("seated_at", "pk"))
    members: dict[int, list] = {t.pk: [] for t in tables}
    for seat in seats:
        members[seat.table_id].append({"user_id": seat.user_id, "name": seat.user.public_name})
    return [{"id": t.pk, "number": t.number, "facilitator_id": t.facilitator_id, "members": members[t.pk],
             "summary": t.summary} for t in tables]


def seat_of(room_id: int, user_id: int) -> TableSeat | None:
    """Where ``user_id`` sits now (an open table of the room), or None in the plenary."""
    return (TableSeat.objects.select_related("table")
            .filter(table__room_id=room_id, table__closed_at__isnull=True, left_at__isnull=True, user_id=user_id)
            .first())


def readable_tables(room: Room, user) -> list[int] | None:
    """The tables whose chat ``user`` may read: every table (None) for the facilitator, else those they sat at."""
    if rules.is_facilitator(user, room):
        return None
    return list(TableSeat.objects.filter(table__room=room, user=user).values_list("table_id", flat=True))


def eligible_voters(room: Room) -> int:
    """Members who may vote to move on: not removed, not observers."""
    return (RoomMember.objects.filter(room=room, removed_at__isnull=True)
            .exclude(role=MemberRole.OBSERVER).count())


SNAPSHOT_MAX_AGE = 1.0  # seconds a room's shared snapshot is reused while its last_seq stays the same


# room id -> (last_seq, monotonic time, part); per process, the rooms used last (settings.ROOM_HELLO_CACHE_MAX)
_room_parts: BoundedCache = BoundedCache(settings.ROOM_HELLO_CACHE_MAX)


def clear_snapshot_cache() -> None:
    _room_parts.clear()


def _room_part(room: Room, now) -> dict:
    """What hello shows everyone in the room, as of ``room.last_seq``: computed once a second at most.

    A crowd connecting at once shares it, which is what lets a room of thousands fill up in seconds
    (docs/benchmarks.md). Every change of the room's state bumps ``last_seq``, so the part is
    reused only while nothing changed; presence and live poll counts may lag by a second, as they
    do on the wire (they are coalesced there too).
    """
    cached = _room_parts.get(room.pk)
    if cached and cached[0] == room.last_seq and time.monotonic() - cached[1] < SNAPSHOT_MAX_AGE:
        return cached[2]
    current = room.current_round
    poll = _latest_poll(room)
    part = {
        "room": {"id": room.pk, "title": room.title, "state": room.state, "last_seq": room.last_seq,
                 "is_live": room.state == RoomState.LIVE},
        "agenda": [{"id": r.pk, "position": r.position, "kind": r.kind, "title": r.title, "state": r.state,
                    "duration_seconds": r.duration_seconds} for r in room.rounds.order_by("position")],
        "queue": queue_data(room.pk, now)["queue"],
        "questions": questions_data(current.pk, now)["questions"] if current else [],
        "poll": None if poll is None else {"poll": poll_data(poll), "closes_at": poll.closes_at.isoformat(),
                                           **{k: v for k, v in poll_results(poll).items() if k != "poll_id"}},
        "move_on": _move_on(room, current),
        **presence_data(room.pk, now),
        "tables": tables_data(room.pk),
    }
    _room_parts[room.pk] = (room.last_seq, time.monotonic(), part)
    return part


def room_state_snapshot(room: Room, user, member=None) -> dict:
    """What a client needs on connect besides the events it missed: the agenda, the clock, who is here.

    The room's shared part (``_room_part``) plus what is this person's own: their membership and
    table, their votes on the questions and their answer to the poll. ``member``: their RoomMember
    if the caller has it already.
    """
    now = timezone.now()
    part = _room_part(room, now)
    member = member if member is not None else rules.membership(user, room)
    table_id = next((t["id"] for t in part["tables"] if any(m["user_id"] == user.pk for m in t["members"])), None)
    questions = part["questions"]
    if questions:
        mine = set(QuestionVote.objects.filter(user=user, question_id__in=[q["id"] for q in questions])
                   .values_list("question_id", flat=True))
        questions = [{**q, "voted": q["id"] in mine} for q in questions]
    poll = part["poll"]
    if poll is not None:
        answer = LiveAnswer.objects.filter(poll_id=poll["poll"]["id"], user=user).values_list("choices", flat=True)
        poll = {**poll, "your_choices": answer.first()}
    presence, count = part["presence"], part["presence_count"]
    if member is not None and not any(p["user_id"] == user.pk for p in presence):  # arrived within the second
        presence = [{"user_id": user.pk, "name": user.public_name, "role": member.role, "muted": member.muted,
                     "table_id": table_id}] + presence
        count += 1
    return {
        **part,
        "current": round_data(room.current_round, now) if room.current_round else None,
        "questions": questions,
        "poll": poll,
        "you": {"user_id": user.pk, "name": user.public_name, "role": member.role if member else None,
                "is_facilitator": rules.is_facilitator(user, room), "muted": bool(member and member.muted),
                "table_id": table_id},
        "presence": presence,
        "presence_count": count,
        "server_time": now.isoformat(),
    }


def _latest_poll(room: Room):
    """The open poll, else the last poll of the current round (its results stay shown), else None."""
    poll = LivePoll.objects.filter(room=room, state=PollState.OPEN).order_by("-opened_at", "-pk").first()
    if poll is None and room.current_round_id:
        poll = LivePoll.objects.filter(room=room, round_id=room.current_round_id).order_by("-opened_at", "-pk").first()
    return poll


def _move_on(room: Room, current) -> dict | None:
    """The current round's votes to move on, as in ``move_on.updated``."""
    if current is None:
        return None
    return {"round_id": current.pk, "votes": MoveOnVote.objects.filter(round=current).count(),
            "needed": rules.move_on_needed(eligible_voters(room))}


# --- The site-wide search -----------------------------------------------------------------------------------


def search(*, query: str, viewer=None) -> QuerySet:
    """The site-wide search's rooms: public records only (a public room that has ended, which
    ``rules.may_read_record`` opens to anyone), the same for every viewer; newest first, title matches first.
    A live or invited room is found on the rooms list by those who may enter it, not here."""
    rooms = Room.objects.filter(access=Access.PUBLIC, state=RoomState.ENDED).select_related("facilitator")
    rooms = text_search.text_filter(rooms, query, fields=("title", "description"))
    return text_search.title_first(rooms, query).order_by("-in_title", "-created_at", "-pk")
