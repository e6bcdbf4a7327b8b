"""The public timeline of a proposal in words: one sentence per recorded transition or milestone."""

from django.utils.translation import gettext as _

from ..models import TimelineEntry
from ..states import ESCALATED_BY_JURY, State, Verdict


def _label(state: str) -> str:
    return State(state).label if state in State.values else state


def _transition(entry: TimelineEntry) -> str:
    to, reason = entry.to_state, entry.reason
    if entry.from_state == State.HIDDEN:
        return _("Restored by a moderator (back to “%(state)s”). Reason: %(reason)s") % {
            "state": _label(to), "reason": reason}
    if to == State.HIDDEN:
        return _("Hidden by a moderator. Reason: %(reason)s") % {"reason": reason}
    if to == State.PUBLISHED:
        return _("Published; the support window opened.")
    if to == State.CLOSED:
        return _("The support window closed with %(count)s supports, short of escalation.") % {"count": reason}
    if to == State.ESCALATED:
        if reason == ESCALATED_BY_JURY:
            return _("Recommended by a citizens' jury: sent directly to the department, without gathering "
                     "supports.")
        return _("Reached %(count)s supports and was escalated to the department.") % {"count": reason}
    if to == State.ANSWERED:
        verdict = Verdict(reason).label if reason in Verdict.values else reason
        return _("The department published its answer: %(verdict)s.") % {"verdict": verdict}
    if to == State.IN_PROGRESS:
        return _("The department started the work (%(percent)s%% done).") % {"percent": reason}
    if to == State.COMPLETED:
        return _("The department reported the work as completed.")
    if to in (State.ADOPTED, State.REJECTED):
        return _vote_result(to == State.ADOPTED, reason)
    if to == State.WITHDRAWN:
        if reason:
            return _("Withdrawn by the author. Reason: %(reason)s") % {"reason": reason}
        return _("Withdrawn by the author.")
    return _("State changed from “%(from)s” to “%(to)s”.") % {
        "from": _label(entry.from_state), "to": _label(to)}


def _vote_result(passed: bool, reason: str) -> str:
    """A yes/no vote's result; ``reason`` is "yes,no,abstain" and ",quorum" when turnout fell short."""
    parts = reason.split(",")
    counts = {"yes": parts[0], "no": parts[1], "abstain": parts[2]} if len(parts) >= 3 else {
        "yes": "?", "no": "?", "abstain": "?"}
    if passed:
        return _("Adopted by a citizens' vote: %(yes)s yes, %(no)s no, %(abstain)s abstentions.") % counts
    if "quorum" in parts:
        return _("Not adopted by a citizens' vote: turnout fell short of the quorum "
                 "(%(yes)s yes, %(no)s no, %(abstain)s abstentions).") % counts
    return _("Not adopted by a citizens' vote: %(yes)s yes, %(no)s no, %(abstain)s abstentions.") % counts


def _milestone(entry: TimelineEntry) -> str:
    if entry.code == "vote_opened":
        return _("Put to a citizens' vote: “%(title)s”.") % {"title": entry.reason}
    if entry.code in ("vote_passed", "vote_failed"):
        return _vote_result(entry.code == "vote_passed", entry.reason)
    if entry.code == "deliberation":
        return _("Reached %(count)s supports: open for public deliberation.") % {"count": entry.reason}
    if entry.code == "mayor":
        return _("Reached %(count)s supports: escalated to the mayor's level.") % {"count": entry.reason}
    if entry.code == "jury_recommendation":
        return _("A citizens' jury published its recommendation: “%(title)s”.") % {"title": entry.reason}
    if entry.code == "window_closed":
        return _("The support window closed with %(count)s supports.") % {"count": entry.reason}
    return entry.reason or entry.code


def _moderation(entry: TimelineEntry) -> str:
    if entry.code == "comment_hidden":
        return _("A comment was hidden by a moderator. Reason: %(reason)s") % {"reason": entry.reason}
    if entry.code == "comment_restored":
        return _("A comment was restored by a moderator. Reason: %(reason)s") % {"reason": entry.reason}
    return entry.reason or entry.code


def describe(entry: TimelineEntry) -> str:
    if entry.kind == TimelineEntry.Kind.TRANSITION:
        return _transition(entry)
    if entry.kind == TimelineEntry.Kind.MILESTONE:
        return _milestone(entry)
    if entry.kind == TimelineEntry.Kind.MODERATION:
        return _moderation(entry)
    return entry.reason or entry.code


def timeline_rows(entries) -> list[dict]:
    return [{"entry": entry, "text": describe(entry), "kind": entry.kind} for entry in entries]
