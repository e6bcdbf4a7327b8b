"""Every read of the proposals module that is more than a .get(): listings, search, queues, inboxes."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from core import search as text_search

from .models import (
    Comment, Flag, Follow, FollowUp, ModerationAction, Notification, NotificationSetting, Proposal, Support,
    TimelineEntry,
)
from .states import AWAITING_ANSWER, PUBLIC_STATES, SUPPORTABLE_STATES, State

SORTS = ("relevance", "newest", "supported", "closing")
PAGE_SIZE = 20
SEARCH_RESULT_CAP = 1000


@dataclass(frozen=True)
class ProposalFilters:
    query: str = ""
    category: str = ""
    district: str = ""
    state: str = ""
    sort: str = "newest"


def search_terms(query: str) -> list[str]:
    return text_search.search_terms(query)


def _apply_search(qs: QuerySet, query: str) -> QuerySet:
    if not search_terms(query):
        return qs
    # PostgreSQL: prefix match on the stored tsvector; SQLite: LIKE on title and body (core/search.py).
    return text_search.text_filter(qs, query, fields=("title", "body"), vector="search_vector")


def list_proposals(*, filters: ProposalFilters) -> QuerySet:
    """Public proposals, filtered, searched and sorted; cheap enough to paginate at 100,000 rows."""
    qs = Proposal.objects.filter(state__in=PUBLIC_STATES).select_related("category")
    if filters.state in PUBLIC_STATES:
        qs = qs.filter(state=filters.state)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.district:
        qs = qs.filter(district=filters.district)
    qs = _apply_search(qs, filters.query)
    if filters.sort == "supported":
        return qs.order_by("-support_count", "-published_at", "-pk")
    if filters.sort == "closing":
        return qs.filter(
            state__in=SUPPORTABLE_STATES, support_closed_at__isnull=True, support_closes_at__gt=timezone.now()
        ).order_by("support_closes_at", "pk")
    if filters.sort == "relevance" and search_terms(filters.query) and connection.vendor == "postgresql":
        return qs.order_by("-rank", "-published_at", "-pk")  # SQLite has no rank: newest first there
    return qs.order_by("-published_at", "-pk")


@dataclass(frozen=True)
class Listing:
    """One listing page's rows, and what the paginator should know about their number."""

    proposals: QuerySet
    count: int | None = None  # known already (searches); None: let the paginator count
    is_broad: bool = False  # a search with more than SEARCH_RESULT_CAP matches


def proposal_listing(*, filters: ProposalFilters) -> Listing:
    """The listing page: like list_proposals, but a search is bounded.

    Counting and ranking cost time in proportion to the matches (a word in half of 100,000
    proposals: ~200 ms). So a search first counts at most SEARCH_RESULT_CAP + 1 matches. Within the
    cap that is the exact count and the results are ranked; beyond it the reader gets the newest
    SEARCH_RESULT_CAP matches, newest first, and is asked to narrow the search (docs/benchmarks.md).
    """
    qs = list_proposals(filters=filters)
    if not search_terms(filters.query):
        return Listing(proposals=qs)
    matches = qs.order_by()[: SEARCH_RESULT_CAP + 1].count()
    if matches <= SEARCH_RESULT_CAP:
        return Listing(proposals=qs, count=matches)
    if filters.sort == "relevance":
        qs = qs.order_by("-published_at", "-pk")
    return Listing(proposals=qs[:SEARCH_RESULT_CAP], count=SEARCH_RESULT_CAP, is_broad=True)


def search(*, query: str, viewer) -> QuerySet:
    """The site-wide search's proposals: public ones only (never drafts, withdrawn or hidden), the same for
    every viewer (a moderator finds hidden ones in the moderation queue, an author their drafts on their page).

    By substring, not the listing's tsvector prefix, on every database: the site search must find "자전거" in
    "공공자전거" (docs/architecture.md "Site-wide search"). Title matches first, then the newest.
    """
    qs = Proposal.objects.filter(state__in=PUBLIC_STATES).select_related("category")
    qs = text_search.text_filter(qs, query, fields=("title", "body"))
    return text_search.title_first(qs, query).order_by("-in_title", "-published_at", "-pk")


PROFILE_LIMIT = 50  # the newest this many on a profile page


def public_proposals_by(*, user) -> list[Proposal]:
    """A person's public proposals for their profile page (never drafts, withdrawn or hidden), newest first."""
    return list(Proposal.objects.filter(author=user, state__in=PUBLIC_STATES).select_related("category")
                .order_by("-published_at", "-pk")[:PROFILE_LIMIT])


def public_comments_by(*, user) -> list[Comment]:
    """A person's visible comments on public proposals, newest first, for their profile page."""
    return list(Comment.objects.filter(author=user, is_hidden=False, proposal__state__in=PUBLIC_STATES)
                .select_related("proposal").order_by("-created_at", "-pk")[:PROFILE_LIMIT])


def get_proposal_page_data(*, proposal: Proposal, viewer) -> dict:
    """What the proposal page shows: timeline, visible comments with replies, follow-ups with updates."""
    show_hidden = viewer.is_authenticated and viewer.is_moderator
    # Top-level comments newest first (paged by the view); replies in conversation order.
    comments = (Comment.objects.filter(proposal=proposal, parent__isnull=True).select_related("author")
                .order_by("-created_at", "-pk"))
    replies = Comment.objects.select_related("author").order_by("created_at", "pk")
    if not show_hidden:
        comments = comments.filter(is_hidden=False)
        replies = replies.filter(is_hidden=False)
    follow_ups = (FollowUp.objects.filter(proposal=proposal).select_related("department")
                  .prefetch_related("updates__author"))
    return {
        "timeline": TimelineEntry.objects.filter(proposal=proposal).select_related("actor"),
        "comments": comments.prefetch_related(Prefetch("replies", queryset=replies)),
        "follow_ups": list(follow_ups),
        "has_supported": viewer.is_authenticated
        and Support.objects.filter(proposal=proposal, user=viewer).exists(),
        # the jury that wrote it (its author shown in the facilitator's stead): the first jury linked to it
        "jury": proposal.juries.order_by("created_at", "pk").first() if proposal.is_from_jury else None,
        "moderation_actions": (
            ModerationAction.objects.filter(Q(proposal=proposal) | Q(comment__proposal=proposal))
            .select_related("moderator", "comment") if show_hidden else []
        ),
    }


def comment_page_number(*, comment: Comment, per_page: int, include_hidden: bool) -> int:
    """The page (newest first) on which a top-level comment appears, to re-show a reply with its error."""
    newer = Comment.objects.filter(proposal_id=comment.proposal_id, parent__isnull=True).filter(
        Q(created_at__gt=comment.created_at) | Q(created_at=comment.created_at, pk__gt=comment.pk))
    if not include_hidden:
        newer = newer.filter(is_hidden=False)
    return newer.count() // per_page + 1


def follow_up_queue(*, department_id: int, include_done: bool = False) -> QuerySet:
    """One department's queue, by due date; overdue items first because they are due earliest."""
    qs = FollowUp.objects.filter(department_id=department_id).select_related("proposal", "department")
    if not include_done:
        qs = qs.exclude(state="completed")
    return qs.order_by("due_at", "pk")


def public_follow_ups(*, overdue_only: bool = False) -> QuerySet:
    qs = FollowUp.objects.select_related("department", "proposal").exclude(proposal__state=State.HIDDEN)
    if overdue_only:
        qs = qs.filter(state__in=AWAITING_ANSWER, due_at__lt=timezone.now())
    return qs.order_by("due_at", "pk")


def moderation_queue() -> QuerySet:
    """Open flags grouped by target: proposals and comments with the number of reports."""
    return (Flag.objects.filter(resolved_at__isnull=True).values("proposal_id", "comment_id")
            .annotate(reports=Count("pk")).order_by("-reports"))


def open_flags_for(*, proposal_id=None, comment_id=None) -> QuerySet:
    return Flag.objects.filter(resolved_at__isnull=True, proposal_id=proposal_id, comment_id=comment_id)


def drafts_of(*, user) -> QuerySet:
    return Proposal.objects.filter(author=user).order_by("-updated_at")


def notifications_for(*, user) -> QuerySet:
    return Notification.objects.filter(user=user).select_related("proposal", "follow_up", "vote")


def wants_email(user_id: int, kind: str) -> bool:
    """Whether the person kept email on for this kind (the default); their global switch is asked apart."""
    return not NotificationSetting.objects.filter(user_id=user_id, kind=kind, email=False).exists()


def notification_choices(*, user) -> dict[str, tuple[bool, bool]]:
    """``{kind: (in_site, email)}`` for every kind, the defaults where the person chose nothing."""
    choices = {kind: (True, True) for kind in Notification.Kind.values}
    for setting in NotificationSetting.objects.filter(user=user):
        choices[setting.kind] = (setting.in_site, setting.email)
    return choices


def is_following(*, user, proposal=None, vote=None) -> bool:
    if not user.is_authenticated:
        return False
    target = {"proposal": proposal} if proposal is not None else {"vote": vote}
    return Follow.objects.filter(user=user, **target).exists()


def unread_notification_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- Reads for the web pages (home, moderation queue, open data) ---------------------------------


def open_for_support() -> QuerySet:
    """Public proposals whose support window is open right now."""
    return Proposal.objects.filter(
        state__in=SUPPORTABLE_STATES, support_closed_at__isnull=True, support_closes_at__gt=timezone.now()
    )


def most_supported_open(*, limit: int = 4) -> list[Proposal]:
    return list(open_for_support().select_related("category").order_by("-support_count", "-published_at")[:limit])


def home_summary() -> dict:
    """The landing page's counts; cached briefly because they scan the whole table."""
    cached = cache.get("home_summary")
    if cached is not None:
        return cached
    answered = [State.ANSWERED, State.IN_PROGRESS, State.COMPLETED]
    summary = Proposal.objects.filter(state__in=PUBLIC_STATES).aggregate(
        public=Count("pk"),
        escalated=Count("pk", filter=~Q(escalation_level="none")),
        answered=Count("pk", filter=Q(state__in=answered)),
    )
    summary["open"] = open_for_support().count()
    summary["overdue_follow_ups"] = public_follow_ups(overdue_only=True).count()
    cache.set("home_summary", summary, timeout=30)
    return summary


def moderation_items(*, limit: int = 100) -> list[dict]:
    """The moderation queue with each target and its open flags, loaded in a fixed number of queries."""
    groups = list(moderation_queue()[:limit])
    proposal_ids = {g["proposal_id"] for g in groups if g["proposal_id"]}
    comment_ids = {g["comment_id"] for g in groups if g["comment_id"]}
    proposals = Proposal.objects.select_related("author").in_bulk(proposal_ids)
    comments = Comment.objects.select_related("author", "proposal").in_bulk(comment_ids)
    flags = defaultdict(list)
    for flag in (Flag.objects.filter(resolved_at__isnull=True)
                 .filter(Q(proposal_id__in=proposal_ids) | Q(comment_id__in=comment_ids))
                 .select_related("reporter").order_by("created_at", "pk")):
        flags[(flag.proposal_id, flag.comment_id)].append(flag)
    items = []
    for g in groups:
        proposal, comment = proposals.get(g["proposal_id"]), comments.get(g["comment_id"])
        items.append({
            "proposal": proposal,
            "comment": comment,
            "on_proposal": proposal or comment.proposal,  # the page the target is on
            "reports": g["reports"],
            "flags": flags[(g["proposal_id"], g["comment_id"])],
        })
    return items


EXPORT_FIELDS = ("id", "title", "category__code", "district", "state", "support_count", "published_at",
                 "escalation_level", "follow_up_verdict")


def export_rows(*, filters: ProposalFilters) -> QuerySet:
    """Public proposals as value tuples for the open-data download (first follow-up's verdict included)."""
    verdict = FollowUp.objects.filter(proposal=OuterRef("pk")).order_by("created_at", "pk").values("verdict")[:1]
    return (list_proposals(filters=filters).annotate(follow_up_verdict=Subquery(verdict))
            .values_list(*EXPORT_FIELDS))


UNSENT_EMAIL_AFTER = timedelta(minutes=2)  # the task queued at the commit had its chance by then
UNSENT_EMAIL_WITHIN = timedelta(days=2)  # older news is not worth an email any more


def unsent_notification_ids(*, now) -> list[int]:
    """Notifications whose email was never sent (its task was lost: the broker was away at the commit)."""
    return list(Notification.objects.filter(
        emailed_at__isnull=True, created_at__lt=now - UNSENT_EMAIL_AFTER,
        created_at__gte=now - UNSENT_EMAIL_WITHIN).order_by("pk").values_list("pk", flat=True)[:1000])
