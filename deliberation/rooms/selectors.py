"""Reads of the live rooms: who sees which room, the floor's statistics, the chat, the room's record."""

from django.db.models import Q, QuerySet

from deliberation.rooms import rules
from deliberation.rooms.models import ChatMessage, Room
from deliberation.rooms.states import Access, RoomState


def visible_rooms(*, user) -> QuerySet:
    """Open, live and ended rooms the user may enter, plus the rooms they facilitate (drafts too)."""
    rooms = Room.objects.select_related("current_round", "facilitator")
    if user.is_city_admin:
        return rooms.order_by("-created_at")
    invited = Q(members__user=user, members__invited=True, members__removed_at__isnull=True)
    shown = Q(state__in=[RoomState.OPEN, RoomState.LIVE, RoomState.ENDED]) & (Q(access=Access.PUBLIC) | invited)
    return rooms.filter(shown | Q(facilitator=user)).distinct().order_by("-created_at")


def floor_stats(room: Room) -> list[dict]:
    """Who has had the floor, for the facilitator: per participant (not observers, not removed), speaking
    turns (hands that reached speaking), chat messages and their share of the room's chat in percent.

    The quietest first (fewest turns, then fewest messages), so the facilitator sees whom to invite.
    """
    from django.db.models import Count

    from deliberation.rooms.models import ChatMessage, Hand, RoomMember
    from deliberation.rooms.states import MemberRole

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
    from deliberation.rooms.models import RoomMember

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
    from deliberation.rooms.models import Round

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
    from bisect import bisect_right

    index = bisect_right(starts, when) - 1
    if index < 0:
        return None
    rnd = started[index]
    return rnd if rnd["ended_at"] is None or when <= rnd["ended_at"] else None


def record_tables_for(room: Room, viewer) -> list[int] | None:
    """The tables whose chat ``viewer`` finds in the record: as in the room (services.readable_tables),
    every table (None) for its facilitator and admins, the tables they sat at for others, none for
    anonymous visitors. Table talk was said to a table, not to the public; its summary is what the
    table gave the plenary, and that is in every record."""
    from deliberation.rooms.services.tables import readable_tables

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
    """Counts as services.poll_results makes them, from answers read in one query for the whole room;
    per option the count and the share of respondents in percent (several choices may exceed 100 in
    all), and the mean for a 1-5 scale."""
    from deliberation.rooms.services.live_polls import SCALE
    from deliberation.rooms.states import PollKind

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
    from collections import defaultdict

    from deliberation.rooms.models import LiveAnswer, LivePoll

    answers = defaultdict(list)
    for poll_id, choices in LiveAnswer.objects.filter(poll__room=room).values_list("poll_id", "choices"):
        answers[poll_id].append(choices)
    polls = LivePoll.objects.filter(room=room).select_related("round").order_by("opened_at", "pk")
    return [_poll_summary(poll, answers[poll.pk]) for poll in polls]


def _record_questions(room: Room) -> list[dict]:
    from deliberation.rooms.models import Question
    from deliberation.rooms.states import QuestionState

    questions = (Question.objects.filter(room=room).exclude(state=QuestionState.HIDDEN)
                 .select_related("author", "round").order_by("round__position", "-votes_count", "created_at", "pk"))
    return [{"id": q.pk, "round_title": q.round.title, "body": q.body, "author": q.author.public_name,
             "votes": q.votes_count, "state": q.state, "state_label": str(q.get_state_display()),
             "created_at": q.created_at} for q in questions]


def _record_tables(room: Room) -> list[dict]:
    """Breakout tables in the order they opened, with who sat there and the summary sent to the plenary."""
    from django.db.models import Count

    from deliberation.rooms.models import Table

    tables = (Table.objects.filter(room=room).select_related("facilitator", "summary_by", "round")
              .annotate(seated=Count("seats")).order_by("opened_at", "number", "pk"))
    return [{"number": t.number, "round_title": t.round.title if t.round else "", "seated": t.seated,
             "facilitator": t.facilitator.public_name if t.facilitator else "",
             "summary": t.summary, "summary_by": t.summary_by.public_name if t.summary_by else "",
             "summary_at": t.summary_at, "opened_at": t.opened_at, "closed_at": t.closed_at} for t in tables]


def _record_people(room: Room) -> dict:
    from django.db.models import Count

    from deliberation.rooms.models import RoomMember
    from deliberation.rooms.states import MemberRole

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
