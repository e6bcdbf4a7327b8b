"""The main pages of the site on the demo data (`manage.py load_demo`), and who looks at each.

Shared by the accessibility scan (tests/e2e/test_accessibility.py) and the screenshots
(docs/screenshots/take.py): both load the demo, sign in as each demo person and visit their pages.
A path is found from the demo's objects by what they are (the escalated proposal, the counted budget
vote...), never by a primary key.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from budget.models import BudgetCycle, BudgetProject
from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.juries.models import Jury
from deliberation.panels.models import Draw
from deliberation.rooms.models import Room
from governance.models import AnnualDocument, Meeting, MonitorRating, OpenCall
from proposals.models import FollowUp, Proposal
from voting.models import Vote

DEMO_DOMAIN = "demo.seoul.example"
DEMO_PASSWORD = "demo-pass-2026"

ANONYMOUS = "anonymous"
# role -> the demo person who plays it (frontend/management/commands/load_demo.py, STAFF)
PEOPLE = {
    "citizen": f"resident@{DEMO_DOMAIN}",  # a verified resident: may support and vote
    "moderator": f"moderator@{DEMO_DOMAIN}",
    "officer": f"officer-climate@{DEMO_DOMAIN}",
    "staff": f"admin@{DEMO_DOMAIN}",  # staff and city admin
}
ROLES = (ANONYMOUS, *PEOPLE)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


@dataclass(frozen=True)
class Page:
    name: str  # also the screenshot's file name
    path: Callable[[], str]
    roles: tuple[str, ...]


def _url(name: str, *args) -> Callable[[], str]:
    return lambda: reverse(name, args=args)


def _proposal() -> str:
    proposal = Proposal.objects.filter(state="escalated").order_by("-support_count").first()
    return reverse("proposals:detail", args=[proposal.pk])


def _vote(**filters) -> Callable[[], str]:
    def path() -> str:
        return reverse("voting:detail", args=[Vote.objects.filter(**filters).order_by("pk").first().pk])

    return path


def _results() -> str:
    return reverse("voting:results", args=[Vote.objects.filter(state="tallied").order_by("pk").first().pk])


def _ended_room_record() -> str:
    return reverse("rooms:record", args=[Room.objects.filter(state="ended").order_by("pk").first().pk])


def _jury(name: str = "juries:jury") -> Callable[[], str]:
    def path() -> str:
        return reverse(name, args=[Jury.objects.order_by("pk").first().pk])

    return path


def _poll(name: str) -> Callable[[], str]:
    def path() -> str:
        return reverse(name, args=[DeliberativePoll.objects.order_by("pk").first().pk])

    return path


def _draw() -> str:
    return reverse("panels:draw", args=[Draw.objects.order_by("pk").first().pk])


def _budget_project() -> str:
    vote = Vote.objects.filter(kind="budget", state="open").order_by("pk").first()
    return reverse("voting:project", args=[vote.pk, vote.options.order_by("position").first().position])


def _search() -> str:
    return reverse("search") + "?q=%EC%9E%90%EC%A0%84%EA%B1%B0"  # 자전거 (bicycle): proposals and votes match


def _follow_up_work() -> str:
    follow_up = FollowUp.objects.filter(department__code="climate", state="open").order_by("pk").first()
    return reverse("proposals:follow_up_work", args=[follow_up.pk])


def _meeting(**filters) -> Callable[[], str]:
    def path() -> str:
        return reverse("meetings:meeting", args=[Meeting.objects.filter(**filters).order_by("pk").first().pk])

    return path


def _open_call() -> str:
    return reverse("committees:call", args=[OpenCall.objects.filter(state="open").order_by("pk").first().pk])


def _monitored_item() -> str:
    return reverse("monitoring:item", args=[MonitorRating.objects.exclude(reply="").order_by("pk").first().follow_up_id])


def _report() -> str:
    doc = AnnualDocument.objects.filter(kind="report", state="published").select_related("committee").first()
    return reverse("meetings:document", args=[doc.committee.slug, doc.year, doc.kind])


def _budget_cycle(name: str, stage: str, *rest) -> Callable[[], str]:
    def path() -> str:
        return reverse(name, args=[BudgetCycle.objects.get(stage=stage).slug, *rest])

    return path


def _budget_cycle_project() -> str:
    """The demo's funded project under way, reviewed by the demo officer's department (parks: climate)."""
    project = BudgetProject.objects.filter(state="funded", execution_stage="under_way").first()
    return reverse("budget:project", args=[project.pk])


def _budget_review() -> str:
    project = BudgetProject.objects.filter(state="submitted", department__code="climate").first() or \
        BudgetProject.objects.filter(state="submitted").first()
    return reverse("budget:review", args=[project.pk])


EVERYONE = ROLES
SIGNED_IN = tuple(PEOPLE)

PAGES = (
    Page("home", _url("home"), EVERYONE),
    Page("proposals", _url("proposals:list"), (ANONYMOUS, "citizen")),
    Page("proposal", _proposal, EVERYONE),
    Page("proposal-new", _url("proposals:create"), ("citizen",)),
    Page("my-proposals", _url("proposals:my_proposals"), ("citizen",)),
    Page("votes", _url("voting:list"), (ANONYMOUS, "citizen")),
    Page("vote-budget", _vote(kind="budget", state="open"), (ANONYMOUS, "citizen", "staff")),
    Page("vote-live", _vote(kind="single", state="open"), (ANONYMOUS, "citizen")),
    Page("vote-ranked", _vote(kind="ranked", state="open"), ("citizen",)),
    Page("vote-results", _results, (ANONYMOUS, "citizen")),
    Page("budget-project", _budget_project, (ANONYMOUS, "citizen")),
    Page("rooms", _url("rooms:list"), (ANONYMOUS, "citizen", "staff")),
    Page("room-record", _ended_room_record, (ANONYMOUS, "staff")),
    Page("juries", _url("juries:jury_list"), (ANONYMOUS, "staff")),
    Page("jury", _jury(), (ANONYMOUS, "citizen", "staff")),
    Page("jury-manage", _jury("juries:jury_manage"), ("staff",)),
    Page("polls", _url("deliberative_polls:dpolls"), (ANONYMOUS, "staff")),
    Page("poll-report", _poll("deliberative_polls:dpoll_report"), (ANONYMOUS, "staff")),
    Page("poll-materials", _poll("deliberative_polls:dpoll_materials"), (ANONYMOUS,)),
    Page("poll-manage", _poll("deliberative_polls:dpoll_manage"), ("staff",)),
    Page("follow-ups", _url("proposals:follow_ups"), (ANONYMOUS, "officer")),
    Page("follow-up-queue", _url("proposals:follow_up_queue"), ("officer",)),
    Page("follow-up-work", _follow_up_work, ("officer",)),
    Page("notifications", _url("proposals:notifications"), ("citizen",)),
    Page("notification-settings", _url("proposals:notification_settings"), ("citizen",)),
    Page("profile", _url("accounts:profile"), ("citizen",)),
    Page("delete-account", _url("accounts:delete_account"), ("citizen",)),
    Page("pool", _url("panels:pool"), ("citizen",)),
    Page("invitations", _url("panels:invitations"), ("citizen",)),
    Page("draws", _url("panels:draws"), (ANONYMOUS, "staff")),
    Page("draw", _draw, (ANONYMOUS, "staff")),
    Page("draw-new", _url("panels:draw_new"), ("staff",)),
    Page("moderation", _url("proposals:moderation"), ("moderator",)),
    Page("verify-residents", _url("accounts:verify_residents"), ("moderator",)),
    Page("manage-votes", _url("voting:manage"), ("staff",)),
    Page("search", _search, (ANONYMOUS, "citizen")),
    Page("committees", _url("committees:list"), (ANONYMOUS, "citizen")),
    Page("committee", _url("committees:detail", "participatory-budget"), (ANONYMOUS, "staff")),
    Page("committee-flagged", _url("committees:detail", "urban-planning"), (ANONYMOUS,)),
    Page("open-call", _open_call, (ANONYMOUS, "citizen")),
    Page("my-applications", _url("committees:my_applications"), ("citizen",)),
    Page("meeting", _meeting(state="held", minutes_published_at__isnull=False), (ANONYMOUS,)),
    Page("meeting-online", _meeting(state="scheduled", mode="online"), (ANONYMOUS, "staff")),
    Page("annual-report", _report, (ANONYMOUS,)),
    Page("dashboard", _url("dashboard:index"), (ANONYMOUS,)),
    Page("dashboard-wall", _url("dashboard:wall"), (ANONYMOUS,)),
    Page("monitoring", _url("monitoring:overview"), (ANONYMOUS, "citizen")),
    Page("monitoring-mine", _url("monitoring:mine"), ("citizen",)),
    Page("monitored-item", _monitored_item, (ANONYMOUS, "officer")),
    Page("budget-cycles", _url("budget:list"), (ANONYMOUS,)),
    Page("budget-cycle", _budget_cycle("budget:cycle", "execution"), (ANONYMOUS, "citizen")),
    Page("budget-cycle-projects", _budget_cycle("budget:projects", "execution"), (ANONYMOUS,)),
    Page("budget-cycle-project", _budget_cycle_project, (ANONYMOUS, "officer")),
    Page("budget-project-new", _budget_cycle("budget:project_new", "call"), ("citizen",)),
    Page("budget-my-projects", _url("budget:my_projects"), ("citizen",)),
    Page("budget-review-queue", _url("budget:review_queue"), ("officer",)),
    Page("budget-review", _budget_review, ("staff",)),
    Page("budget-sub-committees", _budget_cycle("budget:sub_committees", "execution"), (ANONYMOUS,)),
    Page("budget-sub-committee", _budget_cycle("budget:sub_committee", "execution", "parks"), (ANONYMOUS,)),
    Page("budget-school", _budget_cycle("budget:school", "execution"), ("staff",)),
    Page("budget-manage", _budget_cycle("budget:manage", "call"), ("staff",)),
    Page("api-docs", _url("api:docs"), (ANONYMOUS,)),
    Page("privacy", _url("privacy"), (ANONYMOUS,)),
    Page("terms", _url("terms"), (ANONYMOUS,)),
    Page("accessibility", _url("accessibility"), (ANONYMOUS,)),
    Page("sign-in", _url("account_login"), (ANONYMOUS,)),
    Page("sign-up", _url("account_signup"), (ANONYMOUS,)),
)


def pages_for(role: str) -> list[tuple[str, str]]:
    """(name, path) of the pages this role looks at, paths resolved now (the demo must be loaded)."""
    return [(page.name, page.path()) for page in PAGES if role in page.roles]


def sign_in(page, role: str) -> None:
    """Sign in through the login form, as a person would (a fresh context per role)."""
    if role == ANONYMOUS:
        return
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", PEOPLE[role])
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{PEOPLE[role]} could not sign in"
