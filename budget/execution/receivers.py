"""budget.execution hears the vote: a tallied cycle vote funds its projects; a follow-up item for one of its
options links its project (connected by importing this module from budget/receivers.py)."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from budget.models import BudgetCycle
from proposals.models import FollowUp
from voting.models import Vote
from voting.states import VoteKind, VoteState

from . import services

log = logging.getLogger(__name__)


@receiver(post_save, sender=Vote, dispatch_uid="budget.execution.vote_tallied")
def vote_tallied(sender, instance: Vote, created: bool, **kwargs) -> None:
    """At the tally (inside its transaction, in a savepoint of its own): should this fail, the tally stands
    and the sweep (tasks.sync_tallied_cycles) does it again."""
    if instance.state != VoteState.TALLIED or instance.kind != VoteKind.BUDGET:
        return
    cycle_id = BudgetCycle.objects.filter(vote_id=instance.pk).values_list("pk", flat=True).first()
    if cycle_id is None:
        return
    try:
        with transaction.atomic():
            services.sync_cycle(cycle_id=cycle_id, now=instance.tallied_at)
    except Exception:  # noqa: BLE001 - the tally must not fail for the budget's bookkeeping
        log.exception("budget cycle %s: funding from the tallied vote failed; the sweep retries", cycle_id)


@receiver(post_save, sender=FollowUp, dispatch_uid="budget.execution.follow_up_saved")
def follow_up_saved(sender, instance: FollowUp, created: bool, **kwargs) -> None:
    if not created or instance.vote_id is None or instance.option_position is None:
        return
    try:
        with transaction.atomic():
            services.link_follow_up(follow_up=instance)
    except Exception:  # noqa: BLE001
        log.exception("follow-up %s: linking its budget project failed; the sweep retries", instance.pk)
