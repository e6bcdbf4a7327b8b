"""Drawing a panel from a pool, on the record: prepare (inputs fixed and published), draw (public values).

The draw goes through the same pure core as ``manage.py draw`` (deliberation/panels/sortition), on the
stored files, so anyone can re-run a published draw and get the same panel. One transition table
(``states.DRAW_TRANSITIONS``), applied by ``DRAW_LIFECYCLE`` (core.lifecycle). A drawn draw never changes; a
changed pool, quota or size is a new draw that names the one it replaces (``supersedes``).
"""

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.celery import queue_on_commit
from core.lifecycle import IllegalTransition, Lifecycle

from deliberation.panels import rules, selectors
from deliberation.panels.models import Draw, Pool
from deliberation.panels.sortition import (
    ALGORITHMS, DEFAULT_ALGORITHM, MAXIMIN, ProfileDistribution, SortitionError, compute_distribution,
    distribution_from_record, method_for, pick_panel, read_people, read_quotas, selected_people, write_quotas,
)
from deliberation.panels.sortition import draw as draw_panel
from deliberation.panels.sortition.feasibility import explain_infeasible
from deliberation.panels.sortition.lottery import check_households
from deliberation.panels.sortition.rfc3797 import PublicValuesError, key_from_text
from deliberation.panels.states import DRAW_TRANSITIONS

DISTRIBUTION_TIMEOUT = 3600.0  # seconds for the maximin job (docs/juries.md: the practical limit)


class DrawError(IllegalTransition):
    """A move the draw's lifecycle does not allow, or inputs that cannot be drawn; the message says why."""


DRAW_LIFECYCLE = Lifecycle(
    Draw, DRAW_TRANSITIONS, error=DrawError, labels=Draw.State, code="illegal",
    message=gettext_noop("A draw cannot go from “%(from)s” to “%(to)s”."),
    stamps={Draw.State.PUBLISHED: "published_at", Draw.State.DRAWN: "drawn_at"},
)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _inputs(draw_: Draw):
    quotas = read_quotas(draw_.quotas_csv)
    return read_people(draw_.people_csv, quotas), quotas


def household_columns(text: str) -> list[str]:
    """The address columns as typed ("address, postcode"): trimmed, empty ones dropped, each once."""
    return list(dict.fromkeys(column.strip() for column in text.split(",") if column.strip()))


@transaction.atomic
def prepare_draw(*, pool: Pool, title: str, size: int, quotas_text: str, actor,
                 algorithm: str = DEFAULT_ALGORITHM, households: str = "", supersedes: Draw | None = None,
                 only_users=None, eligibility: str = "") -> Draw:
    """Fix the inputs: the pool as it is now, the quotas, the size, the algorithm and the household check.

    Quotas that cannot be met are refused with the reasons and nothing is stored. A legacy draw is
    published at once; a maximin draw's distribution is computed by a Celery job (``compute``) and
    published with it, before anyone knows the public values. Maximin runs over profiles, or person by
    person when the draw takes at most one person per household (``method_for``): the stored algorithm
    is the one that runs.

    ``only_users`` (user ids or a queryset) draws only from the pool members with one of those accounts;
    ``eligibility`` says in words who that is, stored on the draw and shown on its page (required with a
    filter: a draw from part of the pool says which part).
    """
    if not rules.may_run_draws(actor):
        raise PermissionDenied(_("Only staff can draw panels."))
    if algorithm not in ALGORITHMS:
        raise DrawError(_("Unknown algorithm “%(name)s”; choose one of: %(names)s.")
                        % {"name": algorithm, "names": ", ".join(ALGORITHMS)}, code="algorithm")
    eligibility = eligibility.strip()
    if only_users is not None and not eligibility:
        raise DrawError(_("Say who may be drawn: a draw from part of the pool publishes which part."),
                        code="eligibility")
    people_csv = selectors.pool_people_csv(pool, only_users=only_users)
    try:
        quotas = read_quotas(quotas_text)
        table = read_people(people_csv, quotas)
        columns = household_columns(households)
        check_households(table, quotas, columns)
    except SortitionError as error:
        raise DrawError(list(error.lines), code="inputs") from None
    reasons = explain_infeasible(table, quotas, size)
    if reasons:
        raise DrawError(reasons, code="infeasible")
    quotas_csv = write_quotas(quotas)
    now = timezone.now()
    algorithm = method_for(algorithm, columns)
    if not rules.may_use_algorithm(algorithm, len(table.people)):
        raise DrawError(_("With one person per household, maximin runs person by person, which does not finish "
                          "for a pool of %(count)d (over %(limit)d). Choose the simple stratified draw, or drop the "
                          "household check.") % {"count": len(table.people), "limit": rules.PERSON_BY_PERSON_LIMIT},
                        code="algorithm")
    legacy = algorithm not in MAXIMIN
    draw_ = Draw.objects.create(
        pool=pool, title=title.strip(), size=size, algorithm=algorithm, households=",".join(columns),
        people_csv=people_csv, quotas_csv=quotas_csv, eligibility=eligibility,
        pool_hash=_sha256(people_csv), quotas_hash=_sha256(quotas_csv), supersedes=supersedes, created_by=actor,
        created_at=now, state=Draw.State.PUBLISHED if legacy else Draw.State.PREPARING,
        published_at=now if legacy else None)
    if not legacy:
        from deliberation.panels.tasks import compute_draw_distribution  # in here: the task imports services (a cycle)

        queue_on_commit(compute_draw_distribution, draw_.pk)
    return draw_


def compute(*, draw_id: int) -> bool:
    """The maximin job: compute and publish the distribution (or the reasons it cannot be); idempotent."""
    draw_ = Draw.objects.get(pk=draw_id)
    if draw_.state != Draw.State.PREPARING:
        return False
    table, quotas = _inputs(draw_)
    def progress(event: dict) -> None:  # the library's progress, about once a second, for the record page
        Draw.objects.filter(pk=draw_id, state=Draw.State.PREPARING).update(
            progress={**event, "at": timezone.now().isoformat()})

    try:  # outside any transaction: this may take minutes and must not hold a lock
        distribution, seconds, _peak = compute_distribution(
            table, quotas, draw_.size, algorithm=draw_.algorithm, households=draw_.household_columns,
            timeout=DISTRIBUTION_TIMEOUT, progress=progress)
    except SortitionError as error:
        distribution, seconds, reasons = None, None, list(error.lines)
    with transaction.atomic():
        draw_ = Draw.objects.select_for_update().get(pk=draw_id)
        if draw_.state != Draw.State.PREPARING:
            return False
        if distribution is None:
            draw_.explanation = reasons
            DRAW_LIFECYCLE.move(draw_, Draw.State.FAILED, fields=["explanation"])
        else:
            draw_.distribution = distribution.record()
            # Over profiles the chances are per profile, in the distribution; person by person, per person.
            draw_.chances = (None if isinstance(distribution, ProfileDistribution)
                             else distribution.marginals(list(table.people)))
            draw_.seconds = seconds
            DRAW_LIFECYCLE.move(draw_, Draw.State.PUBLISHED, fields=["distribution", "chances", "seconds"])
    return True


@transaction.atomic
def perform_draw(*, draw: Draw, public_values: str, actor) -> Draw:
    """Pick the panel with the public values (RFC 3797); once, and never again."""
    if not rules.may_run_draws(actor):
        raise PermissionDenied(_("Only staff can draw panels."))
    draw_ = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw_.state == Draw.State.DRAWN:
        raise DrawError(_("This draw has been drawn and stays as it is; a changed input makes a new draw."),
                        code="drawn")
    if draw_.state != Draw.State.PUBLISHED:
        raise DrawError(_("This draw is not ready: its inputs and distribution must be published first."),
                        code="not_published")
    try:
        key = key_from_text(public_values)
    except PublicValuesError as error:
        raise DrawError(str(error), code="public_values") from None
    table, quotas = _inputs(draw_)
    if draw_.algorithm in MAXIMIN:
        distribution = distribution_from_record(draw_.distribution)
        draw_.panel_index = pick_panel(distribution, key)
        draw_.selected = list(selected_people(distribution, table, draw_.panel_index, key))
    else:
        try:
            result = draw_panel(table, quotas, draw_.size, public_values, draw_.algorithm,
                                households=draw_.household_columns)
        except SortitionError as error:
            refusal = DrawError(list(error.lines), code="failed")
            refusal.detail = error.detail  # the library's own words, shown folded to staff
            raise refusal from None
        draw_.selected, draw_.seconds = list(result.selected), result.seconds
    draw_.public_values, draw_.key = public_values.strip(), key
    DRAW_LIFECYCLE.move(draw_, Draw.State.DRAWN, fields=["panel_index", "selected", "seconds", "public_values", "key"])
    return draw_
