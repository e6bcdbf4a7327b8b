"""A jury's secret verdicts, its recommendation (drafted, adopted, published) and the minority opinions.

The tally's arithmetic is ``tally`` (pure); docs/juries.md writes it out. A ballot row never names
its juror: the roll (VerdictVoter) is written with the ballot sealed (SealedVerdictBallot), and the
close unseals all of them into VerdictBallot in one shuffled batch (voting/ballot_box.py), so the
ballots share no transaction, place or key with the roll (docs/juries.md "Secret verdicts").
"""

import json
import logging
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Proposal
from proposals.services.lifecycle import publish_proposal, record_milestone, save_draft
from proposals.services.support import escalate
from proposals.states import ESCALATED_BY_JURY, EscalationLevel, Origin, State
from voting import ballot_box
from voting.tally.ranked import instant_runoff

from deliberation.juries import rules as jury_rules
from deliberation.juries.selectors import latest_verdict
from deliberation.rooms.realtime.events import append_event
from deliberation.juries.models import (
    RECOMMENDATION_MAX, Jury, MinorityOpinion, Recommendation, SealedVerdictBallot, Verdict, VerdictBallot,
    VerdictVoter,
)
from deliberation.juries.states import JuryState, RecommendationState, VerdictRule, VerdictState, VerdictSubject
from deliberation.rooms.states import RoomState
from deliberation.juries.services.juries import JuryError, lock, lock_for_facilitator, move_jury
from deliberation.rooms.services.clock import end_room

logger = logging.getLogger(__name__)

YES_NO = ("yes", "no", "abstain")


# --- The arithmetic ---------------------------------------------------------------------------------------


def tally(rule: str, choices: list, *, seated: int, options: list[str] = ()) -> dict:
    """The result of one verdict from its ballots' choices; ``seated``: jurors seated at closing.

    majority: yes * 2 > cast; two thirds: yes * 3 >= cast * 2; unanimity: every seated juror voted
    and every ballot is yes. Abstentions are ballots cast (they count against). Ranked: the
    instant-runoff winner (voting.tally.ranked), met when there is one.
    """
    cast = len(choices)
    if rule == VerdictRule.RANKED:
        outcome = instant_runoff(list(options), Counter(tuple(c) for c in choices if c))
        return {"rule": rule, "cast": cast, "seated": seated, "winner": outcome.winner,
                "rounds": outcome.rounds, "exhausted": outcome.exhausted, "eliminated": outcome.eliminated,
                "met": outcome.winner is not None}
    counts = Counter(choices)
    yes, no, abstain = (counts.get(c, 0) for c in YES_NO)
    if rule == VerdictRule.MAJORITY:
        met = yes * 2 > cast
    elif rule == VerdictRule.TWO_THIRDS:
        met = cast > 0 and yes * 3 >= cast * 2
    else:
        met = cast > 0 and cast >= seated and yes == cast
    return {"rule": rule, "cast": cast, "seated": seated, "yes": yes, "no": no, "abstain": abstain, "met": met}


def adoption_rule(jury: Jury) -> str:
    """The rule the draft is adopted by: the jury's own, except ranked, which has no yes/no (majority then)."""
    return VerdictRule.MAJORITY if jury.verdict_rule == VerdictRule.RANKED else jury.verdict_rule


def clean_choice(verdict: Verdict, choice):
    if verdict.rule == VerdictRule.RANKED:
        if not isinstance(choice, list | tuple) or not choice:
            raise ValidationError(_("Rank at least one option."), code="invalid_choice")
        ranking = [str(c) for c in choice]
        if any(c not in verdict.options for c in ranking) or len(set(ranking)) != len(ranking):
            raise ValidationError(_("Rank each option at most once, from the options of this vote."),
                                  code="invalid_choice")
        return ranking
    if choice not in YES_NO:
        raise ValidationError(_("Choose yes, no or abstain."), code="invalid_choice")
    return choice


# --- Opening, voting, closing ------------------------------------------------------------------------------


def _open(jury: Jury, *, subject: str, text: str, rule: str, options: list, actor) -> Verdict:
    number = (latest_verdict(jury).number if latest_verdict(jury) else 0) + 1
    verdict = Verdict.objects.create(jury=jury, number=number, subject=subject, subject_text=text, rule=rule,
                                     options=options)
    append_event(room_id=jury.private_room_id, type="verdict.opened", actor=actor, data={
        "verdict_id": verdict.pk, "number": number, "subject": subject, "rule": rule, "options": options,
        "url": reverse("juries:jury_verdict", args=[jury.pk])})
    return verdict


@transaction.atomic
def open_verdict(*, jury: Jury, actor) -> Verdict:
    """Put the jury's question to a secret vote under the rule set in advance."""
    jury = lock_for_facilitator(jury, actor)
    move_jury(jury, JuryState.VERDICT, actor=actor)
    return _open(jury, subject=VerdictSubject.QUESTION, text=jury.question, rule=jury.verdict_rule,
                 options=jury.options, actor=actor)


@transaction.atomic
def open_adoption_vote(*, jury: Jury, actor) -> Verdict:
    """Put the draft recommendation, as it stands now, to a secret vote."""
    jury = lock_for_facilitator(jury, actor)
    recommendation = Recommendation.objects.select_for_update().get(jury=jury)
    if not recommendation.text.strip():
        raise JuryError(_("Write the draft recommendation before putting it to a vote."), code="empty_draft")
    move_jury(jury, JuryState.ADOPTING, actor=actor)
    return _open(jury, subject=VerdictSubject.RECOMMENDATION, text=recommendation.text, rule=adoption_rule(jury),
                 options=[], actor=actor)


@transaction.atomic
def cast_ballot(*, verdict: Verdict, user, choice) -> None:
    """One seated juror's secret ballot, once; the verdict closes when every seated juror has voted."""
    Jury.objects.select_for_update().get(pk=verdict.jury_id)  # the jury first, as every jury write locks it
    verdict = Verdict.objects.select_for_update().select_related("jury").get(pk=verdict.pk)
    refusal = jury_rules.refuse_ballot(user, verdict)
    if refusal:
        raise PermissionDenied(refusal)
    choice = clean_choice(verdict, choice)
    try:
        with transaction.atomic():
            VerdictVoter.objects.create(verdict=verdict, user=user)
    except IntegrityError:
        raise PermissionDenied(_("You have already voted in this vote; a secret ballot cannot be changed.")) from None
    SealedVerdictBallot.objects.create(verdict=verdict, sealed=ballot_box.seal(
        {"choice": choice}, context=_box(verdict.pk), size=_sealed_size(verdict)))
    _close_if_complete(verdict)


def _sealed_size(verdict: Verdict) -> int:
    """Room for the longest ballot of this verdict (every option ranked, or "abstain"): all the same length."""
    longest = list(verdict.options) if verdict.rule == VerdictRule.RANKED else "abstain"
    return len(json.dumps({"choice": longest}, separators=(",", ":")))


def _box(verdict_id: int) -> str:
    """What a sealed ballot is bound to: it opens only as a ballot of this verdict."""
    return f"deliberation.verdict:{verdict_id}"


def unseal_ballots(verdict: Verdict) -> int:
    """At the close, under the jury's and the verdict's locks: every sealed ballot becomes a ballot, shuffled."""
    return ballot_box.flush(SealedVerdictBallot.objects.filter(verdict_id=verdict.pk), context=_box(verdict.pk),
                            build=lambda fields: VerdictBallot(verdict_id=verdict.pk, choice=fields["choice"]))


def _close_if_complete(verdict: Verdict) -> bool:
    seated = jury_rules.seated_jurors(verdict.jury).values_list("user_id", flat=True)
    if verdict.state == VerdictState.OPEN and seated.exists() and not seated.exclude(
            user_id__in=verdict.voters.values_list("user_id", flat=True)).exists():
        try:
            with transaction.atomic():  # a savepoint: a seal no key opens leaves the verdict open, the ballots sealed
                _close(verdict, actor=None)
        except ballot_box.BrokenSeal:
            # The last juror's ballot is stored (sealed) all the same; the facilitator's close says what to do.
            logger.error("verdict %s: no configured key opens its sealed ballots; it stays open "
                         "(is the old SECRET_KEY in SECRET_KEY_FALLBACKS?)", verdict.pk)
            return False
        return True
    return False


def close_if_complete(jury: Jury) -> bool:
    verdict = Verdict.objects.select_for_update().filter(jury=jury, state=VerdictState.OPEN).first()
    return verdict is not None and _close_if_complete(verdict)


@transaction.atomic
def close_verdict(*, verdict: Verdict, actor) -> Verdict:
    """The facilitator closes a verdict before every juror voted, once more than half of the seated have."""
    lock_for_facilitator(verdict.jury, actor)
    verdict = Verdict.objects.select_for_update().select_related("jury").get(pk=verdict.pk)
    if verdict.state != VerdictState.OPEN:
        raise JuryError(_("This vote is closed."), code="closed")
    seated = jury_rules.seated_jurors(verdict.jury).count()
    voted = verdict.voters.count()
    if voted * 2 <= seated:
        raise JuryError(_("A vote closes once more than half of the %(seated)d seated jurors have voted "
                          "(%(voted)d have).") % {"seated": seated, "voted": voted}, code="quorum")
    try:
        with transaction.atomic():
            return _close(verdict, actor=actor)
    except ballot_box.BrokenSeal:
        raise JuryError(_("The sealed ballots cannot be opened with this server's key, so the vote stays open "
                          "and nothing is lost. Ask the administrator to put the former SECRET_KEY in "
                          "SECRET_KEY_FALLBACKS, then close the vote again."), code="sealed") from None


def _close(verdict: Verdict, *, actor) -> Verdict:
    jury = Jury.objects.select_for_update().get(pk=verdict.jury_id)
    unseal_ballots(verdict)
    choices = list(verdict.ballots.values_list("choice", flat=True))
    result = tally(verdict.rule, choices, seated=jury_rules.seated_jurors(jury).count(), options=verdict.options)
    result["voters"] = verdict.voters.count()
    verdict.state, verdict.closed_at, verdict.result, verdict.met = (
        VerdictState.CLOSED, timezone.now(), result, result["met"])
    verdict.save(update_fields=["state", "closed_at", "result", "met"])
    if verdict.subject == VerdictSubject.QUESTION:
        if verdict.met:
            move_jury(jury, JuryState.DRAFTING, actor=actor)
    else:
        move_jury(jury, JuryState.ADOPTED if verdict.met else JuryState.DRAFTING, actor=actor)
        if verdict.met:
            Recommendation.objects.filter(jury=jury).update(state=RecommendationState.ADOPTED, adopted_by=verdict)
    append_event(room_id=jury.private_room_id, type="verdict.closed", actor=actor, data={
        "verdict_id": verdict.pk, "number": verdict.number, "subject": verdict.subject, "met": verdict.met,
        "result": result})
    return verdict


# --- The recommendation and the minority opinions ------------------------------------------------------------


@transaction.atomic
def save_recommendation(*, jury: Jury, actor, text: str) -> Recommendation:
    """Save a new version of the draft; everyone in the private room sees it (``recommendation.updated``)."""
    jury = lock(jury)
    refusal = jury_rules.refuse_draft_edit(actor, jury)
    if refusal:
        raise PermissionDenied(refusal)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("The draft cannot be empty.")}, code="required")
    if len(text) > RECOMMENDATION_MAX:
        raise ValidationError({"text": _("The recommendation has at most %(n)d characters.")
                               % {"n": RECOMMENDATION_MAX}}, code="too_long")
    recommendation = Recommendation.objects.select_for_update().get(jury=jury)
    recommendation.text, recommendation.version, recommendation.updated_at = (
        text, recommendation.version + 1, timezone.now())
    recommendation.save(update_fields=["text", "version", "updated_at"])
    append_event(room_id=jury.private_room_id, type="recommendation.updated", actor=actor, data={
        "jury_id": jury.pk, "version": recommendation.version, "text": text, "author_id": actor.pk,
        "author": actor.public_name})
    return recommendation


@transaction.atomic
def write_minority_opinion(*, jury: Jury, author, text: str, signed: bool) -> MinorityOpinion:
    """A seated juror's dissent (one each; writing again replaces it) until the recommendation is published."""
    jury = lock(jury)
    refusal = jury_rules.refuse_minority(author, jury)
    if refusal:
        raise PermissionDenied(refusal)
    opinion = MinorityOpinion(recommendation=jury.recommendation, author=author, text=text.strip(),
                              signed=bool(signed))
    opinion.full_clean(exclude=["recommendation", "author"], validate_unique=False)
    MinorityOpinion.objects.update_or_create(recommendation=jury.recommendation, author=author, defaults={
        "text": opinion.text, "signed": opinion.signed, "written_at": timezone.now()})
    return MinorityOpinion.objects.get(recommendation=jury.recommendation, author=author)


# --- Publishing: the recommendation becomes (or joins) a proposal -------------------------------------------


def _proposal_body(jury: Jury, recommendation: Recommendation, adopted: Verdict) -> str:
    result = adopted.result or {}
    tally_line = _("Adopted by secret ballot (%(rule)s): %(yes)s yes, %(no)s no, %(abstain)s abstentions of "
                   "%(seated)s jurors.") % {"rule": VerdictRule(adopted.rule).label, "yes": result.get("yes", 0),
                                            "no": result.get("no", 0), "abstain": result.get("abstain", 0),
                                            "seated": result.get("seated", 0)}
    link = _("The jury's question, its votes and the minority opinions: [%(title)s](%(url)s)") % {
        "title": jury.title, "url": reverse("juries:jury", args=[jury.pk])}
    return f"{recommendation.text}\n\n---\n\n{tally_line}\n\n{link}"


@transaction.atomic
def publish_recommendation(*, jury: Jury, actor) -> Recommendation:
    """Publish the adopted recommendation with its tally and minority opinions, and hand it to the pipeline.

    A jury opened on a proposal records the recommendation on that proposal's timeline and escalates
    it to its department if it was still gathering support; otherwise a new proposal is written by
    the facilitator from the recommendation, published and escalated at once (a jury's
    recommendation needs no supporters).
    """
    jury = lock_for_facilitator(jury, actor)
    move_jury(jury, JuryState.PUBLISHED, actor=actor)
    recommendation = Recommendation.objects.select_for_update().get(jury=jury)
    now = timezone.now()
    recommendation.state, recommendation.published_at = RecommendationState.PUBLISHED, now
    recommendation.save(update_fields=["state", "published_at"])
    body = _proposal_body(jury, recommendation, recommendation.adopted_by)
    if jury.proposal_id is None:
        # The jury is its author (the facilitator only holds the pen): the page names the jury, and the
        # thresholds a citizen's proposal must reach do not apply (proposals.models.Proposal.passed_levels).
        proposal = save_draft(author=jury.facilitator, title=jury.title, body=body, category=jury.category,
                              origin=Origin.JURY)
        proposal = publish_proposal(proposal=proposal, actor=jury.facilitator)
        jury.proposal = proposal
        jury.save(update_fields=["proposal"])
    proposal = Proposal.objects.select_for_update().select_related("category").get(pk=jury.proposal_id)
    record_milestone(proposal=proposal, code="jury_recommendation", reason=jury.title, actor=actor, now=now)
    if proposal.state == State.PUBLISHED and proposal.escalation_level == EscalationLevel.NONE:
        escalate(proposal=proposal, level=EscalationLevel.DEPARTMENT, now=now, reason=ESCALATED_BY_JURY)
    if jury.private_room.state != RoomState.ENDED:
        end_room(room=jury.private_room, actor=actor)
    return recommendation
