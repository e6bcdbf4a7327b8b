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
