"""Who runs deliberative polls and who reads their report and materials."""

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
