"""Who runs deliberative polls and who reads their report and materials; what the manage page offers now."""

from deliberation.deliberative_polls.states import DPOLL_TRANSITIONS, SEATING_STATES, DPollState
from deliberation.rooms.rules import may_create_room


def may_manage_dpolls(user) -> bool:
    """Facilitators and admins prepare deliberative polls and run them (they also run the poll's room)."""
    return may_create_room(user)


def may_read_dpoll_report(user, poll) -> bool:
    """The report and its downloads are public once published; before, for those who run polls."""
    return poll.state == "published" or may_manage_dpolls(user)


def may_read_dpoll_materials(user, poll, participant) -> bool:
    """The materials are the treatment: the deliberating panel reads them from the deliberation on; the
    control sample and the public only once the T2 survey is closed (``participant``: the user's
    SurveyParticipant of this poll or None). Those who run polls always."""
    if may_manage_dpolls(user):
        return True
    if poll.state in ("closed", "published"):
        return True
    return (participant is not None and participant.group == "deliberating"
            and poll.state in ("deliberating", "t2_open"))


def next_moves(user, poll) -> list[tuple[str, str]]:
    """The stages ``user`` may move ``poll`` to now (DPOLL_TRANSITIONS), each with its label."""
    if not may_manage_dpolls(user):
        return []
    return [(state, DPollState(state).label) for state in sorted(DPOLL_TRANSITIONS[poll.state])]


def open_setup_forms(poll) -> set[str]:
    """The manage page's forms the poll's stage takes (views.MANAGE_ACTIONS); the services refuse the others:
    the questionnaire and the control sample are fixed before T1, and people are seated until T1 closes."""
    forms = {"material", "margins"}
    if poll.state == DPollState.SETUP:
        forms |= {"control", "question"}
    if poll.state in SEATING_STATES:
        forms |= {"draw", "participants"}
    return forms
