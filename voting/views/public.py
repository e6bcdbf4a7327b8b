"""The public voting pages: the list, a vote's page with its ballot, casting, results, receipts.

Thin views: eligibility is ``rules.refuse_vote``, casting is ``services.cast_ballot``, reads are
``selectors``. A refused ballot re-renders the vote's page with the reason and what was chosen, and
nothing is stored.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.districts import District
from accounts.models import Gender

from frontend import page_cache
from frontend.refusals import refusal_message

from .. import rules, selectors, services
from ..services import BallotError
from ..states import Acceptance, BudgetRule, VoteKind, VoteState

SECTIONS = ("open", "upcoming", "results")
RECEIPT_COOKIE = "vote_receipt_%d"
RECEIPT_COOKIE_SALT = "voting.receipt"


def vote_list(request):
    section = request.GET.get("section", "open")
    if section not in SECTIONS:
        section = "open"
    page = Paginator(selectors.public_votes(section=section), 20).get_page(request.GET.get("page"))
    return render(request, "voting/vote_list.html", {
        "page": page, "section": section, "sections": SECTIONS,
        "may_propose": rules.refuse_submit(request.user) is None, "may_manage": rules.may_manage(request.user),
    })


def _vote_or_404(request, pk: int):
    vote = selectors.visible_vote(pk=pk, viewer=request.user)
    if vote is None:
        raise Http404(_("No such vote."))
    return vote


def _chosen_from_post(vote, data) -> list[int]:
    """The ballot as the form sent it: ``choice`` values, or ``rank_<position>`` fields for ranked votes."""
    if vote.kind == VoteKind.RANKED:
        ranks = {}
        for key, value in data.items():
            if key.startswith("rank_") and value.strip():
                try:
                    ranks[int(key[5:])] = int(value)
                except ValueError:
                    raise BallotError(_("A rank is a whole number."), code="invalid") from None
        return services.ranking_from_ranks(ranks)
    try:
        return [int(v) for v in data.getlist("choice")]
    except ValueError:
        raise BallotError(_("This ballot names an option that is not in this vote."), code="unknown_option") from None


def _ballot_context(request, vote, *, chosen=None, error=None, ranks=None) -> dict:
    now = timezone.now()
    user = request.user
    options = list(vote.options.all())
    voted = selectors.has_voted(vote, user)
    own = selectors.own_ballot(vote, user)
    if chosen is None and own is not None:
        chosen = own
    chosen = chosen or []
    if ranks is None:
        ranks = {p: i for i, p in enumerate(chosen, start=1)} if vote.kind == VoteKind.RANKED else {}
    may_change = voted and vote.allow_change and not vote.secret
    refusal = rules.refuse_vote(user, vote, now)
    ballots = selectors.turnout(vote)
    eligible = selectors.shown_eligible_count(vote, now=now)
    show_live = vote.state == VoteState.OPEN and vote.shows_live_counts  # a secret vote: the turnout only
    live_counts = selectors.live_counts(vote) if show_live else {}
    return {
        "vote": vote,
        "options": [{"option": o, "chosen": o.position in chosen, "rank": ranks.get(o.position, ""),
                     "live_count": live_counts.get("counts", {}).get(str(o.position), 0),
                     "live_bar": _share(live_counts.get("counts", {}).get(str(o.position), 0),
                                        live_counts.get("ballots", 0))}
                    for o in options],
        "rank_choices": range(1, len(options) + 1),
        "refusal": refusal,
        "voted": voted,
        "may_cast": refusal is None and (not voted or may_change),
        "may_change": may_change,
        "error": error,
        "receipt": request.get_signed_cookie(RECEIPT_COOKIE % vote.pk, default=None, salt=RECEIPT_COOKIE_SALT,
                                             max_age=600),
        "ballots": ballots,
        "eligible": eligible,
        "turnout_percent": round(100 * ballots / eligible, 1) if eligible else 0,
        "chosen_total": sum(o.cost or 0 for o in options if o.position in chosen),
        "eligibility": _eligibility(vote),
        "rule_text": _rule_text(vote),
        "show_live": show_live,
        "follow_ups": selectors.vote_follow_ups(vote) if vote.state == VoteState.TALLIED else [],
        "may_manage": rules.may_manage(user),
        "following": selectors.is_following(vote, user),
        "follow_refusal": rules.refuse_follow(user, vote),
        "categories": sorted({o.category for o in options if o.category}),
    }


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0


def _eligibility(vote) -> list[str]:
    """Who may vote, in words, shown before the ballot."""
    lines = [_("Verified residents of Seoul.")]
    if vote.min_age:
        lines.append(_("Aged %(age)d or over.") % {"age": vote.min_age})
    if vote.districts:
        names = ", ".join(str(District(d).label) for d in vote.districts if d in District.values)
        lines.append(_("Living in: %(districts)s.") % {"districts": names})
    return lines


def _rule_text(vote) -> str:
    """The rule that decides the vote and its published tie-break."""
    if vote.kind == VoteKind.RANKED:
        return _("Instant-runoff: the option with the fewest first preferences is eliminated and its ballots go "
                 "to their next preference, round by round, until one option has more than half of the ballots "
                 "still counting. A tie for fewest is broken by the earlier rounds, then the option listed last "
                 "is eliminated.")
    if vote.kind == VoteKind.BUDGET:
        if vote.budget_rule == BudgetRule.MES:
            return _("Method of Equal Shares: the budget is split equally among the voters, and a project is "
                     "funded when its supporters can pay for it together, cheapest per supporter first; the "
                     "“add1” completion then raises every voter's share by one unit while the outcome fits the "
                     "budget. Ties: more votes, then the cheaper project, then the lower project number.")
        if vote.budget_rule == BudgetRule.GREEDY_STOP:
            return _("Projects are funded in order of votes until the first one that no longer fits the budget; "
                     "counting stops there. Ties: more votes, then the cheaper project, then the lower number.")
        return _("Projects are funded in order of votes; a project that no longer fits the budget is skipped "
                 "and counting goes on. Ties: more votes, then the cheaper project, then the lower number.")
    if vote.kind == VoteKind.YES_NO:
        if vote.acceptance == Acceptance.ABSOLUTE:
            return _("It passes with yes from more than half of all ballots; an abstention counts as not yes.")
        if vote.acceptance == Acceptance.TWO_THIRDS:
            return _("It passes with yes from at least two thirds of the yes and no votes; abstentions count for "
                     "turnout only.")
        return _("It passes with more yes than no votes; abstentions count for turnout only.")
    return _("The option with the most votes wins; a tie goes to the option listed first.")


@page_cache.for_anonymous_readers
def vote_detail(request, pk: int):
    vote = _vote_or_404(request, pk)
    context = _ballot_context(request, vote)
    response = render(request, "voting/vote_detail.html", context)
    if context["receipt"]:
        response.delete_cookie(RECEIPT_COOKIE % vote.pk, path=vote_url(vote), samesite="Lax")  # shown once
    return response


@require_POST
def cast(request, pk: int):
    vote = selectors.vote_for_casting(pk=pk, viewer=request.user)
    if vote is None:
        raise Http404(_("No such vote."))
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={vote_url(vote)}")
    chosen, ranks = [], {}
    try:
        if vote.kind == VoteKind.RANKED:
            ranks = {int(k[5:]): v for k, v in request.POST.items() if k.startswith("rank_") and k[5:].isdigit()}
        chosen = _chosen_from_post(vote, request.POST)
        _ballot, code = services.cast_ballot(vote=vote, user=request.user, choices=chosen)
    except PermissionDenied as exc:
        return _refused(request, vote, chosen, ranks, refusal_message(exc), status=403)
    except BallotError as exc:
        if not chosen and vote.kind != VoteKind.RANKED:
            chosen = [int(v) for v in request.POST.getlist("choice") if v.isdigit()]
        return _refused(request, vote, chosen, ranks, refusal_message(exc), status=400)
    response = redirect(vote_url(vote))
    if code:
        # Shown once on the next page: a signed cookie for that page only (no session write per ballot).
        response.set_signed_cookie(RECEIPT_COOKIE % vote.pk, code, salt=RECEIPT_COOKIE_SALT, max_age=600,
                                   path=vote_url(vote), httponly=True, samesite="Lax",
                                   secure=request.is_secure())
        messages.success(request, _("Your ballot was counted."))
    else:
        messages.success(request, _("Your ballot was changed."))
    return response


def _refused(request, vote, chosen, ranks, message, *, status):
    vote = _vote_or_404(request, vote.pk)  # with what the page shows beside it (proposal, department)
    context = _ballot_context(request, vote, chosen=chosen, error=message, ranks=ranks)
    return render(request, "voting/vote_detail.html", context, status=status)


def _login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


def vote_url(vote) -> str:
    return reverse("voting:detail", args=[vote.pk])


def results(request, pk: int):
    vote = _vote_or_404(request, pk)
    if vote.state != VoteState.TALLIED:
        return render(request, "voting/results.html", {"vote": vote, "pending": True}, status=200)
    result = {"ballots": 0, "counts": {}, "selected": [], "spent": 0, **(vote.result or {})}
    options = {o.position: o for o in vote.options.all()}
    return render(request, "voting/results.html", {
        "vote": vote,
        "result": result,
        "rows": _option_rows(vote, result, options),
        "rounds": _round_rows(result, options) if vote.kind == VoteKind.RANKED else [],
        "steps": _step_rows(vote, result, options) if vote.kind == VoteKind.BUDGET else [],
        "breakdowns": _breakdown_rows(result, options),
        "rule_text": _rule_text(vote),
        "eligible": selectors.eligible_count(vote),
        "follow_ups": selectors.vote_follow_ups(vote),
        "receipt_count": result.get("ballots", 0),
    })


def _option_rows(vote, result, options) -> list[dict]:
    counts = result.get("counts", {})
    top = max([int(n) for n in counts.values()] or [0]) or 1
    total = result.get("ballots", 0) or 1
    selected = set(result.get("selected", []))
    rows = []
    for position, option in options.items():
        n = int(counts.get(str(position), 0))
        rows.append({"option": option, "count": n, "share": round(100 * n / total, 1),
                     "bar": round(100 * n / top, 1), "winner": result.get("winner") == position,
                     "selected": position in selected})
    if vote.kind == VoteKind.BUDGET:
        rows.sort(key=lambda r: (not r["selected"], -r["count"], r["option"].position))
    return rows


def _round_rows(result, options) -> list[dict]:
    """IRV rounds as a table: one row per option, one column per round (blank once eliminated)."""
    rounds = result.get("rounds", [])
    exhausted = result.get("exhausted", [])
    rows = []
    for position, option in options.items():
        rows.append({"option": option,
                     "counts": [r.get(str(position), "") for r in rounds],
                     "winner": result.get("winner") == position})
    rows.sort(key=lambda r: [-(c if c != "" else -1) for c in reversed(r["counts"])])
    return {"rows": rows, "numbers": list(range(1, len(rounds) + 1)), "exhausted": exhausted}


def _step_rows(vote, result, options) -> list[dict]:
    labels = {"selected": _("Funded"), "does_not_fit": _("Does not fit the remaining budget"),
              "not_reached": _("Not reached: counting stopped"), "fits": _("Fits the budget"),
              "over_budget": _("Over the budget")}
    rows = []
    for key, status in result.get("steps", []):
        option = options.get(int(key)) if str(key).isdigit() else None
        rows.append({"what": option.label if option else key, "cost": option.cost if option else None,
                     "status": status, "status_label": labels.get(status, status)})
    return rows


def _breakdown_rows(result, options) -> list[dict]:
    field_names = {"age_band": _("Age band"), "gender": _("Gender"), "district": _("District")}
    value_names = {"gender": dict(Gender.choices), "district": dict(District.choices)}
    tables = []
    for field, groups in (result.get("breakdown") or {}).items():
        rows = []
        for value, cell in groups.items():
            name = str(value_names.get(field, {}).get(value, value)) if value else _("Not given")
            if cell.get("suppressed"):
                rows.append({"name": name, "suppressed": True})
            else:
                n = cell["ballots"] or 1
                rows.append({"name": name, "suppressed": False, "ballots": cell["ballots"],
                             "shares": [round(100 * cell["counts"].get(str(p), 0) / n) for p in options]})
        # every group too small to publish: the page says so in one line instead of a table of dashes
        tables.append({"field": field, "title": field_names.get(field, field), "rows": rows,
                       "all_suppressed": bool(rows) and all(row["suppressed"] for row in rows)})
    return tables


def receipt(request, pk: int):
    """A voter checks their receipt code against the published list after the close."""
    vote = _vote_or_404(request, pk)
    code = request.POST.get("code", "").strip() if request.method == "POST" else ""
    found = None
    if code and vote.state in (VoteState.CLOSED, VoteState.TALLIED):
        found = services.receipt_hash(vote.pk, code) in set(services.receipt_hashes(vote))
    return render(request, "voting/receipt.html", {"vote": vote, "code": code, "found": found,
                                                   "closed": vote.state in (VoteState.CLOSED, VoteState.TALLIED)})


urlpatterns = [
    path("votes/", vote_list, name="list"),
    path("votes/<int:pk>/", vote_detail, name="detail"),
    path("votes/<int:pk>/cast/", cast, name="cast"),
    path("votes/<int:pk>/results/", results, name="results"),
    path("votes/<int:pk>/receipt/", receipt, name="receipt"),
]
