"""A small city for the open-data API's tests: one public record of each kind, and private values (sentinels)
in every place the API must never show, with the people of each role the authorization matrix signs in."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Department
from deliberation.deliberative_polls.states import DPollState
from deliberation.juries.models import MinorityOpinion, Recommendation
from deliberation.rooms import services as room_services
from governance.models import (
    AnnualDocument, Application, Committee, CommitteeRecommendation, Meeting, Member, Monitor, MonitorAssignment, MonitorRating, OpenCall,
    Tally,
)
from proposals.models import Comment, FollowUpUpdate, TimelineEntry
from proposals.states import State
from tests.factories import (
    AdminFactory, CategoryFactory, FollowUpFactory, ModeratorFactory, OfficerFactory, ProposalFactory,
    ResidentFactory, RoomFactory, UserFactory, make_jury, make_poll, room_member,
)
from voting.models import Ballot, Option, Vote, VoterRoll

# Every private value planted below; none may appear in any body the API or the feeds send.
SENTINELS = []


def secret(label: str) -> str:
    value = f"SENTINEL-{label}-7f3a"
    SENTINELS.append(value)
    return value


def person(label: str, **fields):
    """A user whose email, name and birth year are all private to the API."""
    return ResidentFactory(email=secret(f"{label}-EMAIL").lower() + "@example.org",
                           display_name=secret(f"{label}-NAME")[:40], birth_year=1913, **fields)


@dataclass
class World:
    department: Department
    people: dict = field(default_factory=dict)  # role -> user (None: anonymous)
    public: dict = field(default_factory=dict)  # kind -> pk of a public record
    private: dict = field(default_factory=dict)  # kind -> pk of a record the API must not show
    marks: list = field(default_factory=list)  # public values that must appear somewhere


def build_world() -> World:
    now = timezone.now()
    department = Department.objects.create(code="transport", name="교통정책과", name_en="Transport")
    category = CategoryFactory(code="transport", default_department=department)
    world = World(department=department)
    author = person("DRAFT-AUTHOR")
    world.people = {"anonymous": None, "citizen": person("CITIZEN"), "author": author,
                    "moderator": ModeratorFactory(), "officer": OfficerFactory(department=department),
                    "admin": AdminFactory()}

    # Proposals: a public one (with a hidden comment and a moderation reason), a draft, a hidden one.
    public = ProposalFactory(published=True, category=category, title="PUBLIC-PROPOSAL", district="mapo",
                             scope="district", author=person("PUBLIC-AUTHOR"))
    TimelineEntry.objects.create(proposal=public, kind="moderation", reason=secret("MODERATION-REASON"))
    Comment.objects.create(proposal=public, author=person("COMMENTER"), body=secret("HIDDEN-COMMENT"), is_hidden=True)
    draft = ProposalFactory(category=category, author=author, title=secret("DRAFT-TITLE"), body=secret("DRAFT-BODY"))
    hidden = ProposalFactory(category=category, title=secret("HIDDEN-TITLE"), state=State.HIDDEN,
                             state_before_hidden=State.PUBLISHED, published_at=now)
    world.public["proposals"], world.private["proposals"] = public.pk, draft.pk
    world.private["hidden_proposal"] = hidden.pk
    world.marks.append("PUBLIC-PROPOSAL")

    # A follow-up with an answer, and one on the hidden proposal.
    item = FollowUpFactory(answered=True, proposal__category=category, proposal__title="ANSWERED-PROPOSAL")
    FollowUpUpdate.objects.create(follow_up=item, kind="answer", author=world.people["officer"], body="PUBLIC-ANSWER",
                                  body_html="<p>PUBLIC-ANSWER</p>", verdict="accepted")
    hidden_item = FollowUpFactory(proposal_state=State.HIDDEN, title=secret("HIDDEN-FOLLOW-UP"))
    world.public["follow-ups"], world.private["follow-ups"] = item.pk, hidden_item.pk
    world.marks.append("PUBLIC-ANSWER")

    # Votes: a tallied secret one (its roll), an open one that is not secret (its ballots name voters), a draft.
    tallied = Vote.objects.create(title="TALLIED-VOTE", question="Night buses?", kind="yes_no", state="tallied",
                                  secret=True, opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2),
                                  tallied_at=now, result={"ballots": 3, "counts": {"1": 2, "2": 1, "3": 0}},
                                  review_reason=secret("REVIEW-REASON"), department=department)
    for position, label in enumerate(("yes", "no", "abstain"), start=1):
        Option.objects.create(vote=tallied, position=position, label=label)
    for n, choices in enumerate(([1], [1], [2])):
        voter = person(f"SECRET-VOTER{n}")
        VoterRoll.objects.create(vote=tallied, user=voter)
        Ballot.objects.create(vote=tallied, choices=choices, receipt_hash=secret(f"RECEIPT{n}"), gender="female")
    open_vote = Vote.objects.create(title="OPEN-VOTE", question="Which bus?", kind="single", state="open",
                                    secret=False, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=3))
    Option.objects.create(vote=open_vote, position=1, label="A")
    Ballot.objects.create(vote=open_vote, choices=[1], receipt_hash=secret("OPEN-RECEIPT"),
                          voter=person("OPEN-VOTER"))
    draft_vote = Vote.objects.create(title=secret("DRAFT-VOTE"), question="?", kind="single", state="draft",
                                     opens_at=now, closes_at=now + timedelta(days=1))
    world.public["votes"], world.private["votes"] = tallied.pk, draft_vote.pk
    world.public["open_vote"] = open_vote.pk
    world.marks += ["TALLIED-VOTE", "OPEN-VOTE"]

    # Rooms: an ended public one with a hidden line, an invited one, a draft.
    room = RoomFactory(stage="live", title="ENDED-ROOM")
    speaker = room_member(room).user
    room_services.post_message(room=room, author=speaker, body="PUBLIC-CHAT-LINE")
    bad = room_services.post_message(room=room, author=speaker, body=secret("HIDDEN-CHAT"))
    room_services.hide_message(room=room, actor=room.facilitator, seq=bad.seq, reason="insult")
    room_services.end_room(room=room, actor=room.facilitator)
    invited = RoomFactory(stage="open", title=secret("INVITED-ROOM"), access="invited")
    draft_room = RoomFactory(title=secret("DRAFT-ROOM"))
    world.public["rooms"], world.private["rooms"] = room.pk, draft_room.pk
    world.private["invited_room"] = invited.pk
    world.marks += ["ENDED-ROOM", "PUBLIC-CHAT-LINE"]

    # Juries: one published (an unsigned minority opinion), one still drafting.
    jury, _f, _p = make_jury()
    jury.state, jury.title = "published", "PUBLISHED-JURY"
    jury.save(update_fields=["state", "title"])
    recommendation, _ = Recommendation.objects.update_or_create(
        jury=jury, defaults={"text": "PUBLIC-RECOMMENDATION", "state": "published", "published_at": now})
    MinorityOpinion.objects.create(recommendation=recommendation, author=person("UNSIGNED-MINORITY"),
                                   text="A minority view", signed=False)
    drafting, _f, _p = make_jury()
    Recommendation.objects.update_or_create(jury=drafting, defaults={"text": secret("DRAFT-RECOMMENDATION")})
    world.public["juries"], world.private["juries"] = jury.pk, drafting.pk
    world.marks.append("PUBLIC-RECOMMENDATION")

    # Deliberative polls: a published report, and one still being run.
    poll, _a, members, _c = make_poll(panel=2, state=DPollState.PUBLISHED)
    for n, member in enumerate(members):
        member.user.email = secret(f"PANELIST{n}-EMAIL").lower() + "@example.org"
        member.user.display_name = secret(f"PANELIST{n}")
        member.user.save(update_fields=["email", "display_name"])
    running, *_rest = make_poll(panel=1, state=DPollState.T1_OPEN)
    world.public["deliberative-polls"], world.private["deliberative-polls"] = poll.pk, running.pk

    # A committee: members (one from an open call), a selected and a refused application, meetings with
    # published and unpublished minutes, a draft annual report, a monitor's rating.
    committee = Committee.objects.create(name="PUBLIC-COMMITTEE", slug="transport-committee", legal_status="statutory",
                                         function="advisory", department=department, mandate="Buses",
                                         term_start=date(2026, 1, 1), size=10)
    call = OpenCall.objects.create(committee=committee, title="Citizens wanted", description="...", seats=1,
                                   opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=10),
                                   state="selected")
    chosen = Application.objects.create(call=call, applicant=person("APPLICANT"), statement=secret("SELECTED-STATEMENT"),
                                        state="selected")
    Application.objects.create(call=call, applicant=person("REFUSED"), statement=secret("REFUSED-STATEMENT"),
                               state="not_selected", reason=secret("REFUSAL-REASON"))
    member = Member.objects.create(committee=committee, user=chosen.applicant, name="PUBLIC-MEMBER", category="citizen",
                                   gender="female", age_band="30-39", district="mapo", term_start=date(2026, 1, 1),
                                   route="open_call", application=chosen)
    held = Meeting.objects.create(committee=committee, number=1, title="First meeting", agenda="Agenda",
                                  scheduled_at=now - timedelta(days=20), state="held", held_at=now - timedelta(days=20),
                                  minutes="PUBLIC-MINUTES", minutes_due_at=now - timedelta(days=6),
                                  minutes_published_at=now - timedelta(days=8))
    unpublished = Meeting.objects.create(committee=committee, number=2, title="Second meeting", agenda="Agenda",
                                         scheduled_at=now - timedelta(days=3), state="held", held_at=now - timedelta(days=3),
                                         minutes=secret("UNPUBLISHED-MINUTES"), minutes_due_at=now + timedelta(days=11))
    upcoming = Meeting.objects.create(committee=committee, number=3, title="UPCOMING-MEETING", agenda="Next",
                                      scheduled_at=now + timedelta(days=5), place="City Hall")
    AnnualDocument.objects.create(committee=committee, year=2026, kind="report", body=secret("DRAFT-REPORT"))
    AnnualDocument.objects.create(committee=committee, year=2026, kind="plan", body="PUBLIC-PLAN", state="published",
                                  published_at=now)
    CommitteeRecommendation.objects.create(committee=committee, meeting=held, title="PUBLIC-RECOMMENDATION-TITLE",
                                           body="Run buses later", department=department, follow_up=item,
                                           created_by=person("SECRETARY"))
    monitor = Monitor.objects.create(user=person("MONITOR"))
    assignment = MonitorAssignment.objects.create(monitor=monitor, follow_up=item)
    MonitorRating.objects.create(assignment=assignment, follow_up=item, rating="delayed", note="PUBLIC-RATING-NOTE")
    Tally.objects.create(metric="proposals.received", day=now.date(), district="mapo", department_id=department.pk,
                         count=4, total=4)
    world.public.update({"committees": committee.pk, "members": member.pk, "meetings": upcoming.pk,
                         "minutes": held.pk})
    world.private["minutes"] = unpublished.pk
    world.marks += ["PUBLIC-COMMITTEE", "PUBLIC-MEMBER", "PUBLIC-MINUTES", "PUBLIC-RATING-NOTE", "UPCOMING-MEETING",
                   "PUBLIC-PLAN", "PUBLIC-RECOMMENDATION-TITLE"]
    return world


__all__ = ["SENTINELS", "World", "build_world", "UserFactory"]
