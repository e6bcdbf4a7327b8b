"""What the dashboard hears: the services' writes become tally changes (connected by governance.receivers).

Rows written once (a timeline entry, a follow-up update, a rating, a new follow-up item) add their
facts; records that reach a state in a small table (a meeting, a room, a vote, a jury, a poll) make
their day be recomputed, since they are saved again later. Both run inside the writer's transaction
(services.py says why); the live notice leaves on commit. Bulk writes send no signal: the vote's
follow-up items are recomputed with the vote, and ``reconcile_tallies`` heals anything else missed.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.juries.models import Jury
from deliberation.rooms.models import Room
from governance.models import Attendance, Committee, Meeting, Member, MonitorRating
from proposals.models import FollowUp, FollowUpUpdate, TimelineEntry
from proposals.states import State
from voting.models import Vote

from . import events, services
from .indicators import INDICATORS
from .sources import ANSWER_METRICS, COMPLETION_METRICS, FEEDS, TIMELINE_METRICS


@receiver(post_save, sender=TimelineEntry, dispatch_uid="dashboard.timeline")
def timeline_entry_saved(sender, instance: TimelineEntry, created: bool, raw: bool = False, **kwargs):
    if not created or raw or instance.kind != TimelineEntry.Kind.TRANSITION:
        return
    metric = TIMELINE_METRICS.get(instance.to_state)
    # A restore from moderation is not a second publication or escalation.
    if metric and instance.from_state != State.HIDDEN:
        services.record(metric, instance.proposal)


@receiver(post_save, sender=FollowUpUpdate, dispatch_uid="dashboard.follow_up_update")
def follow_up_update_saved(sender, instance: FollowUpUpdate, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    metrics = {FollowUpUpdate.Kind.ANSWER: ANSWER_METRICS, FollowUpUpdate.Kind.COMPLETION: COMPLETION_METRICS}
    for metric in metrics.get(instance.kind, []):
        services.record(metric, instance)
    if instance.kind == FollowUpUpdate.Kind.ANSWER:
        services.snapshot_overdue()  # an overdue item answered leaves today's count


@receiver(post_save, sender=FollowUp, dispatch_uid="dashboard.follow_up")
@receiver(post_save, sender=MonitorRating, dispatch_uid="dashboard.monitor_rating")
def event_row_saved(sender, instance, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        for metric in FEEDS[sender]:
            services.record(metric, instance)


@receiver(post_save, sender=Meeting, dispatch_uid="dashboard.meeting")
@receiver(post_save, sender=Room, dispatch_uid="dashboard.room")
@receiver(post_save, sender=Jury, dispatch_uid="dashboard.jury")
@receiver(post_save, sender=DeliberativePoll, dispatch_uid="dashboard.deliberative_poll")
def state_record_saved(sender, instance, raw: bool = False, **kwargs):
    if not raw:
        services.refresh(FEEDS[sender], instance)


@receiver(post_save, sender=Vote, dispatch_uid="dashboard.vote")
def vote_saved(sender, instance: Vote, raw: bool = False, **kwargs):
    if raw:
        return
    services.refresh(FEEDS[Vote], instance)
    if instance.tallied_at and (instance.result or {}).get("follow_ups"):
        # The count's follow-up items are bulk-created (no signal): recount that day's.
        day = services.local_day(instance.tallied_at)
        services.recompute("followup.opened", day, day)


@receiver(post_save, sender=Attendance, dispatch_uid="dashboard.attendance")
def attendance_saved(sender, instance: Attendance, raw: bool = False, **kwargs):
    if not raw:
        services.refresh(["meeting.attendance"], instance.meeting)


@receiver(post_save, sender=Committee, dispatch_uid="dashboard.committee")
@receiver(post_save, sender=Member, dispatch_uid="dashboard.member")
def composition_saved(sender, raw: bool = False, **kwargs):
    """The committees' composition is read from their tables on each view: only the pages need telling."""
    if not raw:
        events.announce_on_commit([i.code for i in INDICATORS if i.current])


from . import tasks  # noqa: E402,F401 - registers reconcile_tallies with Celery (autodiscovery reads governance.tasks only)
