"""Downloads of a vote: its results (CSV, JSON, breakdowns), its anonymous ballots (.pb, .blt), its receipts.

Who may see the vote is ``selectors.visible_vote`` (the vote's page asks the same); when each file
exists is voting/exports.py. Anything not (yet) available is a 404, like a vote one may not see.
"""

import json

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import exports, selectors, services
from ..states import VoteKind, VoteState


def _vote(request, pk: int, available):
    vote = selectors.visible_vote(pk=pk, viewer=request.user)
    if vote is None or not available(vote):
        raise Http404(_("No such file for this vote."))
    return vote


def _file(text: str, content_type: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe  # GET and HEAD (frontend/head.py)
def results_json(request, pk: int):
    vote = _vote(request, pk, exports.has_results)
    text = json.dumps(exports.results_data(vote), ensure_ascii=False, indent=1)
    return _file(text, "application/json; charset=utf-8")


@require_safe  # GET and HEAD (frontend/head.py)
def results_csv(request, pk: int):
    vote = _vote(request, pk, exports.has_results)
    return _file(exports.results_csv(vote), "text/csv; charset=utf-8", f"vote-{vote.pk}-results.csv")


@require_safe  # GET and HEAD (frontend/head.py)
def breakdown_csv(request, pk: int):
    vote = _vote(request, pk, lambda v: exports.has_results(v) and v.state == VoteState.TALLIED)
    return _file(exports.breakdown_csv(vote), "text/csv; charset=utf-8", f"vote-{vote.pk}-breakdown.csv")


@require_safe  # GET and HEAD (frontend/head.py)
def export_pb(request, pk: int):
    vote = _vote(request, pk, lambda v: exports.has_ballots(v) and v.kind == VoteKind.BUDGET)
    return _file(services.vote_to_pb(vote), "text/plain; charset=utf-8", f"vote-{vote.pk}.pb")


@require_safe  # GET and HEAD (frontend/head.py)
def export_blt(request, pk: int):
    vote = _vote(request, pk, lambda v: exports.has_ballots(v) and v.kind == VoteKind.RANKED)
    return _file(services.vote_to_blt(vote), "text/plain; charset=utf-8", f"vote-{vote.pk}.blt")


@require_safe  # GET and HEAD (frontend/head.py)
def receipts(request, pk: int):
    vote = _vote(request, pk, exports.has_receipts)
    hashes = services.receipt_hashes(vote)
    return _file("".join(f"{h}\n" for h in hashes), "text/plain; charset=utf-8")


urlpatterns = [
    path("votes/<int:pk>/results.json", results_json, name="results_json"),
    path("votes/<int:pk>/results.csv", results_csv, name="results_csv"),
    path("votes/<int:pk>/breakdown.csv", breakdown_csv, name="breakdown_csv"),
    path("votes/<int:pk>/ballots.pb", export_pb, name="export_pb"),
    path("votes/<int:pk>/ballots.blt", export_blt, name="export_blt"),
    path("votes/<int:pk>/receipts.txt", receipts, name="receipts"),
]
