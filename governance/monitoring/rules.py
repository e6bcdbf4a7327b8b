"""Who may volunteer, assign, rate and reply in citizen monitoring (시민참여형 모니터링과 평가).

Each rule returns ``None`` when allowed, or the translated reason when refused; views, services and the
follow-up panel ask the same questions. The choices where the issue is silent are in
docs/governance.md "Citizen monitoring".
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.panels.models import PoolMember
from governance.models import Monitor, MonitorAssignment, MonitorRating
from proposals.models import FollowUp
from proposals.states import FollowUpState, Verdict

# A monitor rates one item at most once in this time (anti-spam: a rating is a considered judgement).
RATING_INTERVAL = timedelta(hours=24)
# Items being carried out: answered with a decision to act on, or reported in progress or done.
MONITORED_STATES = (FollowUpState.ANSWERED, FollowUpState.IN_PROGRESS, FollowUpState.COMPLETED)
ASSIGNABLE_STATES = (FollowUpState.ANSWERED, FollowUpState.IN_PROGRESS)
ACTED_ON_VERDICTS = (Verdict.ACCEPTED, Verdict.PARTIAL)


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_in_pool(user) -> bool:
    return PoolMember.objects.filter(pool__standing=True, user=user, active=True).exists()


def active_monitor(user) -> Monitor | None:
    if not _signed_in(user):
        return None
    return Monitor.objects.filter(user=user, active=True).first()


def refuse_volunteer(user) -> str | None:
    """A signed-in, active member of the standing citizen pool may volunteer as a monitor."""
    if not _signed_in(user):
        return _("Please sign in to volunteer as a monitor.")
    if not is_in_pool(user):
        return _("Monitors come from the citizen pool: join the pool first.")
    if active_monitor(user):
        return _("You are already a monitor.")
    return None


def may_manage(user) -> bool:
    """Staff and city admins assign monitors. Officers do not, not even for their own department's items:
    the department would choose who watches it."""
    return _signed_in(user) and (user.is_staff or user.is_city_admin)


def refuse_assign(user, monitor: Monitor, follow_up: FollowUp) -> str | None:
    if not may_manage(user):
        return _("Only staff can assign monitors.")
    if not monitor.active:
        return _("This person is no longer a monitor.")
    if not is_assignable(follow_up):
        return _("Only answered items that the department is carrying out can be monitored.")
    if MonitorAssignment.objects.filter(monitor=monitor, follow_up=follow_up, ended_at__isnull=True).exists():
        return _("This monitor already follows this item.")
    return None


def is_assignable(follow_up: FollowUp) -> bool:
    return follow_up.state in ASSIGNABLE_STATES and follow_up.verdict in ACTED_ON_VERDICTS


def refuse_unassign(user, assignment: MonitorAssignment) -> str | None:
    if not may_manage(user):
        return _("Only staff can assign monitors.")
    if assignment.ended_at is not None:
        return _("This assignment has already ended.")
    return None


def active_assignment(user, follow_up: FollowUp) -> MonitorAssignment | None:
    if not _signed_in(user):
        return None
    return (MonitorAssignment.objects.select_related("monitor")
            .filter(monitor__user=user, monitor__active=True, follow_up=follow_up, ended_at__isnull=True).first())


def refuse_rate(user, follow_up: FollowUp, *, now=None) -> str | None:
    """The monitor assigned to the item rates it while the assignment is active, once per RATING_INTERVAL."""
    if not _signed_in(user):
        return _("Please sign in to rate this item.")
    assignment = active_assignment(user, follow_up)
    if assignment is None:
        return _("Only a monitor assigned to this item can rate it.")
    if follow_up.state not in MONITORED_STATES:
        return _("This item is not being carried out yet.")
    since = (now or timezone.now()) - RATING_INTERVAL
    if MonitorRating.objects.filter(assignment=assignment, created_at__gt=since).exists():
        return _("You rated this item in the last 24 hours; rate it again later.")
    return None


def refuse_reply(user, rating: MonitorRating) -> str | None:
    """Officers of the item's department reply to a rating, once."""
    if not _signed_in(user) or not user.is_officer:
        return _("Only officers of the item's department can reply to a rating.")
    if user.department_id != rating.follow_up.department_id:
        return _("This item belongs to another department.")
    if rating.replied_at is not None:
        return _("The department has already replied to this rating.")
    return None
