"""Citizen monitoring's writes: volunteering, assignments, ratings and the department's replies."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Monitor, MonitorAssignment, MonitorRating
from governance.states import Rating
from proposals.models import FollowUp

from . import rules, signals

NOTE_MAX = MonitorRating._meta.get_field("note").max_length
REPLY_MAX = 2000


@transaction.atomic
def volunteer(*, user) -> Monitor:
    """Become a monitor; someone who stepped down before becomes active again (same row, new join date)."""
    refusal = rules.refuse_volunteer(user)
    if refusal:
        raise PermissionDenied(refusal)
    monitor, created = Monitor.objects.select_for_update().get_or_create(user=user)
    if not created:
        monitor.active, monitor.joined_at, monitor.left_at = True, timezone.now(), None
        monitor.save(update_fields=["active", "joined_at", "left_at"])
    return monitor


@transaction.atomic
def step_down(*, user) -> bool:
    """Stop monitoring: the assignments end, the ratings stay public. False if the person was no monitor."""
    monitor = Monitor.objects.select_for_update().filter(user=user, active=True).first()
    if monitor is None:
        return False
    now = timezone.now()
    monitor.active, monitor.left_at = False, now
    monitor.save(update_fields=["active", "left_at"])
    monitor.assignments.filter(ended_at__isnull=True).update(ended_at=now)
    return True


@transaction.atomic
def assign(*, actor, monitor: Monitor, follow_up: FollowUp) -> MonitorAssignment:
    """Give a monitor an item; an assignment that ended before is opened again (one row per monitor and item)."""
    refusal = rules.refuse_assign(actor, monitor, follow_up)
    if refusal:
        raise PermissionDenied(refusal)
    assignment, created = MonitorAssignment.objects.select_for_update().get_or_create(
        monitor=monitor, follow_up=follow_up, defaults={"assigned_by": actor})
    if not created:
        assignment.ended_at, assignment.assigned_by, assignment.assigned_at = None, actor, timezone.now()
        assignment.save(update_fields=["ended_at", "assigned_by", "assigned_at"])
    return assignment


@transaction.atomic
def unassign(*, actor, assignment: MonitorAssignment) -> MonitorAssignment:
    refusal = rules.refuse_unassign(actor, assignment)
    if refusal:
        raise PermissionDenied(refusal)
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    return assignment


def _clean_rating(rating: str, note: str) -> tuple[str, str]:
    errors = {}
    note = (note or "").strip()
    if rating not in Rating.values:
        errors["rating"] = _("Choose how the work is going.")
    if not note:
        errors["note"] = _("Write a short note: what you saw and where.")
    elif len(note) > NOTE_MAX:
        errors["note"] = _("Keep the note under %(max)s characters.") % {"max": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    return rating, note


@transaction.atomic
def rate(*, user, follow_up: FollowUp, rating: str, note: str) -> MonitorRating:
    """The assigned monitor rates the item's progress with a short note (once per rules.RATING_INTERVAL)."""
    refusal = rules.refuse_rate(user, follow_up)
    if refusal:
        raise PermissionDenied(refusal)
    rating, note = _clean_rating(rating, note)
    # Asked again under the assignment's row lock: two quick submissions of the form count as one.
    assignment = MonitorAssignment.objects.select_for_update().get(pk=rules.active_assignment(user, follow_up).pk)
    refusal = rules.refuse_rate(user, follow_up)
    if refusal:
        raise PermissionDenied(refusal)
    stored = MonitorRating(assignment=assignment, follow_up=follow_up, rating=rating, note=note)
    stored.full_clean()
    stored.save()
    transaction.on_commit(lambda: signals.rating_published.send(sender=MonitorRating, rating=stored))
    return stored


@transaction.atomic
def reply(*, user, rating: MonitorRating, body: str) -> MonitorRating:
    """The department answers a rating, once; the reply is public beside the rating."""
    rating = MonitorRating.objects.select_for_update().select_related("follow_up").get(pk=rating.pk)
    refusal = rules.refuse_reply(user, rating)
    if refusal:
        raise PermissionDenied(refusal)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"reply": _("Write the department's reply.")})
    if len(body) > REPLY_MAX:
        raise ValidationError({"reply": _("Keep the reply under %(max)s characters.") % {"max": REPLY_MAX}})
    rating.reply, rating.replied_by, rating.replied_at = body, user, timezone.now()
    rating.save(update_fields=["reply", "replied_by", "replied_at"])
    transaction.on_commit(lambda: signals.rating_replied.send(sender=MonitorRating, rating=rating))
    return rating


@transaction.atomic
def auto_assign(*, actor, per_item: int = 1) -> list[MonitorAssignment]:
    """Give every assignable item up to ``per_item`` active monitors, each time to the active monitor with
    the fewest active assignments (ties: who joined first). Returns the new assignments; idempotent."""
    if not rules.may_manage(actor):
        raise PermissionDenied(_("Only staff can assign monitors."))
    # Two staff pressing the button at once: the second waits for the first and then finds nothing to do.
    locked = list(Monitor.objects.select_for_update().filter(active=True).values_list("pk", flat=True))
    monitors = list(Monitor.objects.filter(pk__in=locked).annotate(
        load=Count("assignments", filter=Q(assignments__ended_at__isnull=True))).order_by("joined_at", "pk"))
    if not monitors:
        return []
    items = (FollowUp.objects.filter(state__in=rules.ASSIGNABLE_STATES, verdict__in=rules.ACTED_ON_VERDICTS)
             .annotate(watchers=Count("monitor_assignments", filter=Q(monitor_assignments__ended_at__isnull=True,
                                                                      monitor_assignments__monitor__active=True)))
             .filter(watchers__lt=per_item).order_by("watchers", "due_at", "pk"))
    watching = set(MonitorAssignment.objects.filter(ended_at__isnull=True).values_list("monitor_id", "follow_up_id"))
    made = []
    for item in items:
        for _slot in range(per_item - item.watchers):
            candidates = [m for m in monitors if (m.pk, item.pk) not in watching]
            if not candidates:
                break
            chosen = min(candidates, key=lambda m: m.load)
            made.append(assign(actor=actor, monitor=chosen, follow_up=item))
            chosen.load += 1
            watching.add((chosen.pk, item.pk))
    return made
