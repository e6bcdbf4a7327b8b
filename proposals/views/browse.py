"""Reading proposals: the listing, one proposal's page, and the open-data download."""

from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.rooms import selectors as deliberation_selectors
from frontend import fragments, page_cache
from voting import rules as voting_rules, selectors as voting_selectors

from .. import rules, selectors
from ..exports import export_response
from ..models import Comment
from ..forms import CommentForm, FlagForm, ModerationForm, ProposalFilterForm, ReplyForm, WithdrawForm
from ..selectors import ProposalFilters
from ..states import FollowUpState, State
from .common import visible_proposal
from .timeline import timeline_rows

# A long thread is paged: rendering 250 comments with their forms cost ~120 ms (docs/benchmarks.md).
COMMENTS_PER_PAGE = 50


@page_cache.for_anonymous_readers
def proposal_list(request):
    form = ProposalFilterForm(request.GET or None)
    values = form.filter_values()
    filters = ProposalFilters(query=values["q"], category=values["category"], district=values["district"],
                              state=values["state"], sort=values["sort"])
    listing = selectors.proposal_listing(filters=filters)
    paginator = Paginator(listing.proposals, selectors.PAGE_SIZE)
    if listing.count is not None:
        paginator.count = listing.count  # already counted (bounded) by the selector
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "proposals/proposal_list.html", {
        "form": form, "page": page, "proposals": page.object_list, "is_broad": listing.is_broad,
        "result_cap": selectors.SEARCH_RESULT_CAP,
        "filtered": any(values[k] for k in ("q", "category", "district", "state")),
    })


def _prepare_comments(user, proposal, comments) -> list:
    """Attach what the viewer may do to each comment, so the template asks no rules itself, and the HTML of
    the comments that show the viewer no form (frontend/fragments.py)."""
    comments = list(comments)
    items = []
    for comment in comments:
        comment.replies_list = list(comment.replies.all())
        comment.may_reply = rules.refuse_comment(user, proposal, comment) is None
        for item in [comment, *comment.replies_list]:
            item.may_flag = rules.refuse_flag(user, comment=item) is None
            items.append(item)
    if rules.refuse_moderate(user) is not None:
        _attach_shared_html([item for item in items if not item.may_flag])
    return comments


COMMENT_TEMPLATE = "proposals/_comment.html"


def _comment_content(comment) -> tuple:
    """Every value proposals/_comment.html shows of a comment without its forms: its cache key."""
    author = comment.author
    return (comment.pk, author.public_name, author.profile_url, comment.created_at,
            timezone.get_current_timezone_name(), comment.body_html, comment.is_hidden)


def _attach_shared_html(comments) -> None:
    """A comment without a report or moderation form (what a reader who is not signed in sees) is the same
    for every such reader: rendered once per content, read from the cache in one round trip
    (``comment.shared_html``). A comment that shows the viewer a form is rendered on each page (its CSRF token
    is the viewer's)."""
    template = get_template(COMMENT_TEMPLATE)
    html = fragments.render_many(
        comments, kind="comment", fingerprint=fragments.template_fingerprint(COMMENT_TEMPLATE),
        content=_comment_content, render=lambda comment: template.render({"comment": comment, "may_moderate": False}))
    for comment, fragment in zip(comments, html):
        comment.shared_html = fragment


def _follow_note(is_author: bool, has_supported: bool) -> str:
    """Why the viewer hears of this proposal already (then no follow button), or ""."""
    if is_author:
        return _("You are told of every change to this proposal as its author.")
    if has_supported:
        return _("You are told of every change to this proposal because you support it.")
    return ""


def detail_context(request, proposal, *, comment_form=None, reply_to=None, clarification_form=None,
                   clarification_for=None) -> dict:
    """Everything the proposal page shows; also used to re-render it with a form's errors and text."""
    user = request.user
    data = selectors.get_proposal_page_data(proposal=proposal, viewer=user)
    is_author = user.is_authenticated and proposal.author_id == user.pk
    for follow_up in data["follow_ups"]:
        follow_up.awaits_author = is_author and follow_up.state == FollowUpState.CLARIFICATION
        follow_up.reply_form = (clarification_form if clarification_for == follow_up.pk and clarification_form
                                else ReplyForm())
    has_supported = data["has_supported"]
    page_number = request.GET.get("comments")
    if reply_to is not None:  # show the page that holds the comment being replied to, with the typed text
        parent = Comment.objects.filter(pk=reply_to, proposal=proposal).first()
        if parent is not None:
            page_number = selectors.comment_page_number(
                comment=parent, per_page=COMMENTS_PER_PAGE, include_hidden=user.is_authenticated and user.is_moderator)
    comments_page = Paginator(data["comments"], COMMENTS_PER_PAGE).get_page(page_number)
    return {
        "proposal": proposal,
        "timeline_rows": timeline_rows(data["timeline"]),
        "comments": _prepare_comments(user, proposal, comments_page),
        "comments_page": comments_page,
        "follow_ups": data["follow_ups"],
        "jury": data["jury"],
        "rooms": deliberation_selectors.rooms_for_proposal(proposal=proposal, viewer=user),
        "votes": voting_selectors.votes_for_proposal(proposal=proposal, viewer=user),
        "may_put_to_vote": voting_rules.may_manage(user),
        "moderation_actions": data["moderation_actions"],
        "has_supported": has_supported,
        "next_threshold": proposal.next_threshold(),
        "support_refusal": None if has_supported else rules.refuse_support(user, proposal),
        "may_withdraw_support": has_supported and proposal.is_support_open,
        "is_author": is_author,
        "following": selectors.is_following(user=user, proposal=proposal),
        "follow_refusal": rules.refuse_follow(user, proposal),
        "follow_note": _follow_note(is_author, has_supported),
        "may_edit": rules.refuse_edit(user, proposal) is None,
        "may_withdraw": rules.refuse_withdraw(user, proposal) is None,
        "comment_refusal": rules.refuse_comment(user, proposal),
        "may_flag": rules.refuse_flag(user, proposal=proposal) is None,
        "may_moderate": rules.refuse_moderate(user) is None,
        "is_hidden": proposal.state == State.HIDDEN,
        "is_draft": proposal.state == State.DRAFT,
        "comment_form": comment_form if reply_to is None and comment_form else CommentForm(),
        "reply_form": comment_form if reply_to is not None else None,
        "reply_to": reply_to,
        "flag_form": FlagForm(),
        "moderation_form": ModerationForm(),
        "withdraw_form": WithdrawForm(),
    }


@page_cache.for_anonymous_readers
def proposal_detail(request, pk: int):
    proposal = visible_proposal(request, pk)
    return render(request, "proposals/proposal_detail.html", detail_context(request, proposal))


def export(request, fmt: str):
    """Open data: the public proposals (with the listing's filters) as CSV or JSON, streamed."""
    values = ProposalFilterForm(request.GET or None).filter_values()
    filters = ProposalFilters(query=values["q"], category=values["category"], district=values["district"],
                              state=values["state"], sort=values["sort"])
    # Under ASGI (Daphne) the body must be an async iterator, or Django buffers the whole file first.
    return export_response(fmt, selectors.export_rows(filters=filters), filename="seoul-proposals",
                           asynchronous=isinstance(request, ASGIRequest))
