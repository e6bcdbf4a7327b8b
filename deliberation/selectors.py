"""Reads of the deliberation module that are more than a .get()."""

import hashlib
import json

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.demographics import age_band
from accounts.districts import district_group

from . import rules
from .models import ChatMessage, Invitation, PoolAttribute, Room
from .states import SEATED_INVITATION_STATES as SEATED
from .states import Access, InvitationState, RoomState


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

    from .models import ChatMessage, Hand, RoomMember
    from .states import MemberRole

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
    from .models import RoomMember

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
    from .models import Round

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
    from .services.tables import readable_tables

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
    from .services.polls import SCALE
    from .states import PollKind

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

    from .models import LiveAnswer, LivePoll

    answers = defaultdict(list)
    for poll_id, choices in LiveAnswer.objects.filter(poll__room=room).values_list("poll_id", "choices"):
        answers[poll_id].append(choices)
    polls = LivePoll.objects.filter(room=room).select_related("round").order_by("opened_at", "pk")
    return [_poll_summary(poll, answers[poll.pk]) for poll in polls]


def _record_questions(room: Room) -> list[dict]:
    from .models import Question
    from .states import QuestionState

    questions = (Question.objects.filter(room=room).exclude(state=QuestionState.HIDDEN)
                 .select_related("author", "round").order_by("round__position", "-votes_count", "created_at", "pk"))
    return [{"id": q.pk, "round_title": q.round.title, "body": q.body, "author": q.author.public_name,
             "votes": q.votes_count, "state": q.state, "state_label": str(q.get_state_display()),
             "created_at": q.created_at} for q in questions]


def _record_tables(room: Room) -> list[dict]:
    """Breakout tables in the order they opened, with who sat there and the summary sent to the plenary."""
    from django.db.models import Count

    from .models import Table

    tables = (Table.objects.filter(room=room).select_related("facilitator", "summary_by", "round")
              .annotate(seated=Count("seats")).order_by("opened_at", "number", "pk"))
    return [{"number": t.number, "round_title": t.round.title if t.round else "", "seated": t.seated,
             "facilitator": t.facilitator.public_name if t.facilitator else "",
             "summary": t.summary, "summary_by": t.summary_by.public_name if t.summary_by else "",
             "summary_at": t.summary_at, "opened_at": t.opened_at, "closed_at": t.closed_at} for t in tables]


def _record_people(room: Room) -> dict:
    from django.db.models import Count

    from .models import RoomMember
    from .states import MemberRole

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


# --- The citizen pool ------------------------------------------------------------------------------

PROFILE_FEATURES = ("district_group", "age_band", "gender")


def pool_snapshot(pool, *, today=None) -> tuple[list[str], list[dict]]:
    """The pool as a draw reads it: (the feature names, one row per active member: id then features).

    Volunteers' living zone, age band and gender are read from their profile now; imported people's
    from their row. Rows are in person_id order, so the same pool gives the same table.
    """
    extra = list(PoolAttribute.objects.values_list("code", flat=True))
    rows = []
    members = pool.members.filter(active=True).select_related("user").order_by("person_id")
    for member in members:
        row = {"id": member.person_id, **member.attributes}
        if member.user_id is not None:
            user = member.user
            row.update(district_group=district_group(user.district), age_band=age_band(user.birth_year, today),
                       gender=user.gender)
        rows.append(row)
    if not pool.standing:  # an imported pool: its own columns, by name (jsonb keeps no column order)
        return sorted({key for member in members for key in member.attributes}), rows
    features = [*PROFILE_FEATURES, *[code for code in extra if code not in PROFILE_FEATURES]]
    imported = sorted({key for row in rows for key in row} - {"id", *features})
    return [*features, *imported], rows


def pool_snapshot_hash(features: list[str], rows: list[dict]) -> str:
    """SHA-256 of the snapshot as canonical JSON: published with a draw, so anyone can check the pool it used."""
    canonical = json.dumps({"features": features, "people": [[row.get("id"), *[row.get(f, "") for f in features]]
                                                              for row in rows]},
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def pool_people_csv(pool) -> str:
    """The pool now, as the PEOPLE.csv a draw stores and `manage.py draw` reads (the id first)."""
    from .sortition import Pool as PeopleTable
    from .sortition import write_people

    features, rows = pool_snapshot(pool)
    return write_people(PeopleTable(columns=["id", *features], people={row["id"]: row for row in rows}))


def draw_progress(draw) -> str | None:
    """The maximin job's last progress report in words, for the record page while it runs."""
    from django.utils.translation import gettext as _

    event = draw.progress if draw.state == "preparing" else None
    if not event:
        return None
    current, total = event.get("current") or 0, event.get("total")
    if event.get("phase") == "multiplicative_weights" and total:
        return _("Finding a first set of possible panels: round %(current)s of %(total)s.") % {
            "current": current, "total": total}
    if event.get("phase") == "maximin_optimization":
        return _("Making the distribution as fair as possible: iteration %(current)s (the number of "
                 "iterations is not known in advance).") % {"current": current}
    return _("Working: step %(current)s.") % {"current": current}


# --- The deliberative poll (공론조사) ----------------------------------------------------------------------
#
# The database read into the survey core's plain records, then deliberation.survey.build_report. A
# participant who never answered T1 is not in the report (nothing to compare); one who answered T1
# but not T2 is, with t2=None: counted in every T1 figure and as attrition.

DPOLL_SUBGROUPS = ("district_group", "age_band", "gender")


def dpoll_core_data(poll) -> tuple[list, dict[str, list]]:
    """(the core's Questions in order, {"deliberation": [Participant], "control": [Participant]}); the control
    key only when the poll has a control sample. Three queries whatever the size of the panel."""
    from collections import defaultdict

    from .models import SurveyAnswer
    from .services.deliberative_polls import core_question
    from .states import SurveyGroup
    from .survey.questions import Participant

    stored = list(poll.questions.order_by("position", "pk"))
    questions = [core_question(q) for q in stored]
    answers = defaultdict(lambda: defaultdict(dict))  # participant id -> wave -> {code: value}
    for participant_id, wave, code, value in (SurveyAnswer.objects.filter(response__participant__poll=poll)
                                              .values_list("response__participant_id", "response__wave",
                                                           "question__code", "value")):
        answers[participant_id][wave][code] = value
    groups = {"deliberation": [], **({"control": []} if poll.control_enabled else {})}
    for p in poll.participants.order_by("pk"):
        waves = answers.get(p.pk)
        if not waves or 1 not in waves:
            continue
        name = "control" if p.group == SurveyGroup.CONTROL else "deliberation"
        groups.setdefault(name, []).append(Participant(id=p.pk, attributes=dict(p.attributes), t1=dict(waves[1]),
                                                       t2=dict(waves[2]) if 2 in waves else None))
    return questions, groups


REPORT_CACHE_SECONDS = 600


def dpoll_report(poll) -> dict:
    """The poll's report, cached until anything it reads changes (about a second for 500 people and 30
    questions, docs/benchmarks.md; the page and each download ask for it).

    Answers are never edited and participants only ever added, so the key is the state, a hash of the
    title, margins and questions, the number and the last of the responses and of the participants,
    and the language (the weighting error is a sentence).
    """
    from django.core.cache import cache
    from django.db.models import Count, Max
    from django.utils import translation

    from .models import SurveyResponse

    responses = SurveyResponse.objects.filter(participant__poll=poll).aggregate(n=Count("pk"), last=Max("pk"))
    seated = poll.participants.aggregate(n=Count("pk"), last=Max("pk"))
    questions = list(poll.questions.values_list("pk", "position", "code", "text", "kind", "options"))
    inputs = hashlib.sha256(json.dumps([poll.title, poll.margins, questions], sort_keys=True, default=str)
                            .encode()).hexdigest()[:24]
    key = (f"dpoll-report:{poll.pk}:{poll.state}:{poll.control_enabled}:{inputs}:{responses['n']}:"
           f"{responses['last']}:{seated['n']}:{seated['last']}:{translation.get_language()}")
    report = cache.get(key)
    if report is None:
        report = _dpoll_report(poll)
        cache.set(key, report, REPORT_CACHE_SECONDS)
    return report


def _dpoll_report(poll) -> dict:
    """build_report for the poll: weighted to its margins, by living zone, age band and gender, control beside.

    When the panel cannot be weighted to the margins (a group the margins do not list, e.g. a
    participant without a district, or a margin group nobody in the panel has) the report is
    unweighted and says why in ``weighting_error``; representativeness is still shown.
    """
    from .survey.report import build_report
    from .survey.panel import representativeness
    from .survey.raking import RakingError

    questions, groups = dpoll_core_data(poll)
    control = groups.get("control") or None
    kwargs = {"subgroup_attributes": DPOLL_SUBGROUPS, "control": control, "title": poll.title}
    margins = poll.margins or None
    try:
        report = build_report(questions, groups["deliberation"], margins=margins, **kwargs)
        report["weighting_error"] = None
    except RakingError as exc:
        report = build_report(questions, groups["deliberation"], **kwargs)
        report["weighting_error"] = exc.args[0] if exc.args else str(exc)
        for name, members in (("deliberation", groups["deliberation"]), ("control", control)):
            if members is not None and margins:
                report["groups"][name]["representativeness"] = representativeness(members, margins)
    report["panel"] = dpoll_panel_counts(poll)
    return report


def dpoll_panel_counts(poll) -> dict:
    """Per group: seated, answered T1, answered T2 (the first of the attrition's figures, from the database)."""
    from django.db.models import Count

    from .models import SurveyParticipant

    rows = (SurveyParticipant.objects.filter(poll=poll).values("group")
            .annotate(seated=Count("pk", distinct=True),
                      t1=Count("responses", filter=Q(responses__wave=1), distinct=True),
                      t2=Count("responses", filter=Q(responses__wave=2), distinct=True)))
    return {row["group"]: {"seated": row["seated"], "t1": row["t1"], "t2": row["t2"]} for row in rows}


def dpoll_export_secret(poll) -> bytes:
    """The poll's anonymisation key: derived from SECRET_KEY and the poll, so labels are stable across
    downloads of one poll, differ between polls, and cannot be recomputed without the server's secret."""
    from django.utils.crypto import salted_hmac

    return salted_hmac("deliberation.dpoll.anonymous_label", f"poll-{poll.pk}", algorithm="sha256").digest()


def dpoll_anonymous_responses(poll) -> list[list]:
    """exports.response_rows for the poll: a label per participant, never a user id or name; the groups only."""
    from .survey.exports import response_rows

    questions, groups = dpoll_core_data(poll)
    return response_rows(questions, groups, secret=dpoll_export_secret(poll), attributes=DPOLL_SUBGROUPS)


def my_dpoll_participation(poll, user):
    """The user's SurveyParticipant in ``poll`` (with the waves answered as ``waves``), or None."""
    from .models import SurveyParticipant

    if not user.is_authenticated:
        return None
    participant = SurveyParticipant.objects.filter(poll=poll, user=user).first()
    if participant is not None:
        participant.waves = set(participant.responses.values_list("wave", flat=True))
    return participant

# --- Citizens' juries and consensus conferences -----------------------------------------------------------


def juries() -> QuerySet:
    """Every jury and conference: their question, stages and results are public."""
    from .jury_models import Jury

    return Jury.objects.select_related("facilitator", "proposal").order_by("-created_at", "-pk")


def jury_for_room(room: Room):
    """The jury whose hearing or private room this is, or None."""
    from .jury_models import Jury

    return Jury.objects.filter(Q(room=room) | Q(private_room=room)).first()


def jury_people(jury) -> dict:
    """Who takes part, for the jury's pages: seated jurors, experts, observers (names; the jurors counted)."""
    from .jury_rules import seated_jurors
    from .models import RoomMember
    from .states import MemberRole

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


def closed_verdicts(jury) -> list:
    return list(jury.verdicts.filter(state="closed").order_by("number"))

# --- Invitations to a drawn panel ---------------------------------------------------------------------

def confirmed_people(draw) -> list[dict]:
    """The confirmed members of a drawn panel by seat: {"seat", "person_id", "user"} (user None for an
    imported person without an account). What a jury or a poll seats."""
    rows = Invitation.objects.filter(draw=draw, state=InvitationState.CONFIRMED).select_related("user")
    return [{"seat": i.seat, "person_id": i.person_id, "user": i.user} for i in rows.order_by("seat")]


def my_invitations(user) -> QuerySet:
    """A signed-in person's invitations, the open ones first, newest first."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    open_first = Case(When(state=InvitationState.INVITED, then=Value(0)), default=Value(1))
    return Invitation.objects.filter(user=user).select_related("draw").order_by(open_first, "-created_at", "-pk")


def pending_invitation_count(user) -> int:
    """Invitations waiting for this user's answer (the header's count)."""
    return Invitation.objects.filter(user=user, state=InvitationState.INVITED, deadline_at__gte=timezone.now()).count()


def invitation_record(draw, *, staff: bool = False) -> dict | None:
    """A draw's invitations for its record page: counts by state, the seats with their replacement chains
    (for the public: reserve positions and how each fits, never a person), and each quota on the confirmed
    panel. Staff also get each invitation's person id, deadline and reasons. None before any is sent."""
    from .sortition import read_people, read_quotas
    from .sortition.reserve import quota_counts

    invitations = list(draw.invitations.all())
    if not invitations:
        return None
    counts = {state: 0 for state in InvitationState.values}
    seats: dict[int, list] = {}
    for invitation in invitations:
        counts[invitation.state] += 1
        seats.setdefault(invitation.seat, []).append(invitation)
    quotas = read_quotas(draw.quotas_csv)
    people = read_people(draw.people_csv, quotas)
    confirmed = [i.person_id for i in invitations if i.state == InvitationState.CONFIRMED]
    checked = quota_counts(people, quotas, confirmed)
    return {
        "counts": [(InvitationState(state).label, state, n) for state, n in counts.items()],
        "seats": [{"seat": seat, "chain": chain, "open": chain[-1].state not in SEATED}
                  for seat, chain in sorted(seats.items())],
        "quotas": [{"quota": q, "count": n, "holds": holds} for q, n, holds in checked],
        "quotas_hold": all(holds for _q, _n, holds in checked),
        "confirmed": len(confirmed),
        "changed": any(i.replaces_id for i in invitations) or any(c[-1].state not in SEATED for c in seats.values()),
        "staff": staff,
    }
