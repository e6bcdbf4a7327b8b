"""factory_boy factories for every model the tests build."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Department, Role, User
from proposals.models import Category, Comment, Proposal
from proposals.states import State


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-123")
    role = Role.CITIZEN


class ResidentFactory(UserFactory):
    is_verified_resident = True
    verified_at = factory.LazyFunction(timezone.now)


class OfficerFactory(UserFactory):
    role = Role.OFFICER
    department = factory.SubFactory(DepartmentFactory)


class ModeratorFactory(UserFactory):
    role = Role.MODERATOR


class FacilitatorFactory(UserFactory):
    role = Role.FACILITATOR


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    default_department = factory.SubFactory(DepartmentFactory)
    deliberation_threshold = 2
    escalation_threshold = 3
    mayor_threshold = 5


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft by default; use ``published=True`` (a trait) for an open support window."""

    class Meta:
        model = Proposal

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    body = "More shade trees on the main street."
    body_html = "<p>More shade trees on the main street.</p>"
    category = factory.SubFactory(CategoryFactory)

    class Params:
        published = factory.Trait(
            state=State.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
            support_closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
        )


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory, published=True)
    author = factory.SubFactory(UserFactory)
    body = "I agree."
    body_html = "<p>I agree.</p>"


# --- Supports, follow-ups and flags (the proposals service tests) ---------------------------------

from proposals.models import Flag, FollowUp, Support  # noqa: E402
from proposals.states import EscalationLevel, FollowUpState, Verdict  # noqa: E402


class SupportFactory(factory.django.DjangoModelFactory):
    """A support row only: it does not touch ``Proposal.support_count`` (services.add_support does)."""

    class Meta:
        model = Support

    proposal = factory.SubFactory(ProposalFactory, published=True)
    user = factory.SubFactory(ResidentFactory)


class FollowUpFactory(factory.django.DjangoModelFactory):
    """An open item in the queue of the category's department, for an escalated proposal.

    ``answered=True`` gives an accepted answer (proposal answered) ready for progress reports.
    """

    class Meta:
        model = FollowUp

    proposal = factory.SubFactory(
        ProposalFactory, state=factory.SelfAttribute("..proposal_state"), escalation_level=EscalationLevel.DEPARTMENT,
        published_at=factory.LazyFunction(timezone.now), escalated_at=factory.LazyFunction(timezone.now),
        support_closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
    )
    department = factory.LazyAttribute(
        lambda o: o.proposal.category.default_department if o.proposal else DepartmentFactory()
    )
    title = factory.LazyAttribute(lambda o: o.proposal.title if o.proposal else "Follow-up")
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    class Params:
        proposal_state = State.ESCALATED
        answered = factory.Trait(
            state=FollowUpState.ANSWERED,
            verdict=Verdict.ACCEPTED,
            answered_at=factory.LazyFunction(timezone.now),
            proposal_state=State.ANSWERED,
        )


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    reporter = factory.SubFactory(UserFactory)
    proposal = factory.SubFactory(ProposalFactory, published=True)
    reason = "Abusive language."


# --- Live rooms (deliberation) ---------------------------------------------------------------------

from deliberation.rooms import services as room_services  # noqa: E402
from deliberation.rooms.models import Room  # noqa: E402


def default_agenda() -> list[dict]:
    return [
        {"kind": "discussion", "title": "Opening discussion", "duration_seconds": 600},
        {"kind": "break", "title": "Coffee", "duration_seconds": 300},
        {"kind": "qa", "title": "Questions", "duration_seconds": 600},
    ]


class RoomFactory(factory.Factory):
    """A room built through services.create_room; ``stage="open"`` opens it, ``"live"`` also starts round 1."""

    class Meta:
        model = Room

    facilitator = factory.SubFactory(FacilitatorFactory)
    title = factory.Sequence(lambda n: f"Room {n}")
    rounds = factory.LazyFunction(default_agenda)
    stage = "draft"

    @classmethod
    def _create(cls, model_class, stage="draft", **kwargs):
        room = room_services.create_room(**kwargs)
        if stage in ("open", "live"):
            room_services.open_room(room=room, actor=room.facilitator)
        if stage == "live":
            room_services.start_round(room=room, actor=room.facilitator)
        room.refresh_from_db()
        return room


from deliberation.rooms.models import RoomMember  # noqa: E402
from deliberation.rooms.states import MemberRole  # noqa: E402


def room_member(room: Room, role: str = MemberRole.PARTICIPANT, **fields) -> RoomMember:
    """A new verified resident made a member of ``room`` (a participant unless ``role`` says otherwise)."""
    return RoomMember.objects.create(room=room, user=ResidentFactory(), role=role, **fields)


def room_member_user(room: Room, role: str = MemberRole.PARTICIPANT, **fields) -> User:
    """The user of a new ``room_member``."""
    return room_member(room, role, **fields).user


# --- Panels: the standing pool and a drawn draw (without the solver) ---------------------------------

from itertools import combinations  # noqa: E402

from deliberation.panels import services as panel_services  # noqa: E402
from deliberation.panels.models import Draw  # noqa: E402
from deliberation.panels.sortition import read_people, read_quotas  # noqa: E402
from deliberation.panels.sortition.reserve import quota_counts  # noqa: E402
from deliberation.panels.sortition.rfc3797 import key_from_text  # noqa: E402

# 12 volunteers: 6 women, 6 men; 4 in each of three living zones.
POOL_PEOPLE = [("jongno", "female"), ("jongno", "male"), ("mapo", "female"), ("mapo", "male"),
               ("gangnam", "female"), ("gangnam", "male")] * 2
POOL_QUOTAS = ("feature,value,min,max\n"
               "gender,female,2,2\ngender,male,2,2\n"
               "district_group,downtown,1,2\ndistrict_group,northwest,1,2\ndistrict_group,southeast,1,2\n"
               "age_band,30-39,0,4\n")
PUBLIC_VALUES = "9319/2 5 8 10 12"


def standing_pool():
    """The standing pool with the 12 volunteers of ``POOL_PEOPLE`` in it."""
    for district, gender in POOL_PEOPLE:
        panel_services.volunteer(user=ResidentFactory(district=district, gender=gender, birth_year=1990), answers={})
    return panel_services.standing_pool()


def mark_drawn(draw: Draw, *, public_values: str = PUBLIC_VALUES, selected=None) -> Draw:
    """A published draw as ``perform_draw`` leaves it, without running the solver (no process, no numpy).

    The panel is ``selected`` or else the first ``size`` people, in the pool's order, who keep every quota:
    for the tests about invitations and seating, which need a drawn panel and not a particular one. The
    tests about the draw itself (test_draws, test_draw_views, test_sortition) run the real one.
    """
    quotas = read_quotas(draw.quotas_csv)
    people = read_people(draw.people_csv, quotas)
    if selected is None:
        selected = next(panel for panel in combinations(people.people, draw.size)
                        if all(ok for _quota, _count, ok in quota_counts(people, quotas, panel)))
    Draw.objects.filter(pk=draw.pk, state=Draw.State.PUBLISHED).update(
        state=Draw.State.DRAWN, selected=list(selected), public_values=public_values.strip(),
        key=key_from_text(public_values), drawn_at=timezone.now())
    draw.refresh_from_db()
    assert draw.state == Draw.State.DRAWN
    return draw


class DrawnDrawFactory(factory.Factory):
    """A draw in the "drawn" state with its pool snapshot, quotas and panel (see ``mark_drawn``); ``pool``
    defaults to ``standing_pool()``. Prepared as a legacy draw, so no distribution job is queued."""

    class Meta:
        model = Draw

    pool = factory.LazyFunction(standing_pool)
    title = "Night buses jury"
    size = 4
    quotas_text = POOL_QUOTAS
    created_by = factory.SubFactory(AdminFactory)
    public_values = PUBLIC_VALUES
    selected = None

    @classmethod
    def _create(cls, model_class, *, created_by, public_values, selected, **fields):
        draw = panel_services.prepare_draw(actor=created_by, algorithm="legacy", **fields)
        return mark_drawn(draw, public_values=public_values, selected=selected)


def send_invitations(draw: Draw, days: int = 7):
    """Staff invite the drawn panel, to answer within ``days``; returns the invitations by seat."""
    return panel_services.send_invitations(draw=draw, actor=AdminFactory(),
                                           deadline_at=timezone.now() + timedelta(days=days))


# --- Juries and deliberative polls -----------------------------------------------------------------

from deliberation.deliberative_polls import services as dpoll_services  # noqa: E402
from deliberation.deliberative_polls.states import DPollState  # noqa: E402
from deliberation.juries import services as jury_services  # noqa: E402


def make_jury(*, jurors: int = 3, rule: str = "majority", kind: str = "jury", options=(), proposal=None,
              stage: str = "forming"):
    """A jury (or ``kind="conference"``) of ``jurors`` seated people, moved on to ``stage``; returns
    (jury, facilitator, people). Below the real minimum size: ask for the ``small_juries`` fixture."""
    facilitator = FacilitatorFactory()
    jury = jury_services.create_jury(facilitator=facilitator, kind=kind, title="Night buses", size=jurors,
                                question="Should night buses run every 15 minutes?", verdict_rule=rule,
                                options=options, proposal=proposal,
                                category=None if proposal else CategoryFactory())
    people = [UserFactory() for _ in range(jurors)]
    for person in people:
        jury_services.add_juror(jury=jury, user=person, actor=facilitator)
    if stage in ("hearing", "deliberating", "verdict"):
        jury_services.start_hearing(jury=jury, actor=facilitator)
    if stage in ("deliberating", "verdict"):
        jury_services.start_deliberation(jury=jury, actor=facilitator)
    if stage == "verdict" and kind == "jury":
        jury_services.open_verdict(jury=jury, actor=facilitator)
    jury.refresh_from_db()
    return jury, facilitator, people


def vote_all(jury, people, choices) -> object:
    """Each of ``people`` casts the matching choice in the jury's open verdict; returns the verdict."""
    verdict = jury.verdicts.get(state="open")
    for person, choice in zip(people, choices):
        jury_services.cast_ballot(verdict=verdict, user=person, choice=choice)
    verdict.refresh_from_db()
    return verdict


def dpoll_resident(district="mapo", gender="female", birth_year=1980):
    return ResidentFactory(district=district, gender=gender, birth_year=birth_year)


def make_poll(*, control=False, panel=2, controls=0, state=DPollState.SETUP):
    """A poll with a Likert-5, a yes/no and a choice question; ``panel`` deliberating and ``controls`` control
    participants; moved on to ``state``. Returns (poll, facilitator, [participants], [control participants])."""
    actor = FacilitatorFactory()
    poll = dpoll_services.create_dpoll(actor=actor, title="Night buses", topic="Extend night buses?",
                                 control_enabled=control)
    dpoll_services.add_question(poll=poll, actor=actor, code="q1", text="Night buses should run later", kind="likert5",
                          low_label="Strongly disagree", high_label="Strongly agree")
    dpoll_services.add_question(poll=poll, actor=actor, code="q2", text="Would you pay more?", kind="yesno")
    dpoll_services.add_question(poll=poll, actor=actor, code="q3", text="Which option?", kind="choice",
                          options=["A", "B", "C"])
    gender = ("female", "male")  # alternating, so a gender margin can weight them
    members = [dpoll_services.add_participant(poll=poll, user=dpoll_resident(gender=gender[i % 2]))
               for i in range(panel)]
    control_members = [dpoll_services.add_participant(poll=poll, user=dpoll_resident(gender=gender[i % 2]),
                                                      group="control")
                       for i in range(controls)]
    order = [DPollState.T1_OPEN, DPollState.DELIBERATING, DPollState.T2_OPEN, DPollState.CLOSED,
             DPollState.PUBLISHED]
    for to in order[:order.index(state) + 1] if state != DPollState.SETUP else []:
        if to == DPollState.DELIBERATING:
            dpoll_services.start_dpoll_deliberation(poll=poll, actor=actor)
        else:
            dpoll_services.move_poll(poll=poll, to=to, actor=actor)
    poll.refresh_from_db()
    return poll, actor, members, control_members


DPOLL_ANSWERS = {"q1": "2", "q2": "no", "q3": "A"}  # one valid answer to each of make_poll's questions


def move_dpoll(poll, to, actor):
    poll.refresh_from_db()
    if to == DPollState.DELIBERATING:
        return dpoll_services.start_dpoll_deliberation(poll=poll, actor=actor)
    return dpoll_services.move_poll(poll=poll, to=to, actor=actor)
