"""Citizen monitoring's rules and services: volunteering, assigning, rating (once a day), replying."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deliberation.panels import services as panel_services
from governance.models import MonitorAssignment, MonitorRating
from governance.monitoring import rules, services
from governance.states import Rating
from proposals.states import FollowUpState
from tests.factories import AdminFactory, FollowUpFactory, OfficerFactory, ResidentFactory, UserFactory
from tests.governance.monitoring_world import answered_item, monitor_of, pool_member, world

pytestmark = pytest.mark.django_db


def test_only_an_active_pool_member_may_volunteer():
    outsider = ResidentFactory()
    assert rules.refuse_volunteer(outsider) == "Monitors come from the citizen pool: join the pool first."
    with pytest.raises(PermissionDenied):
        services.volunteer(user=outsider)
    member = pool_member()
    assert rules.refuse_volunteer(member) is None
    monitor = services.volunteer(user=member)
    assert monitor.active and rules.refuse_volunteer(member) == "You are already a monitor."
    left = pool_member()
    panel_services.leave_pool(user=left)
    assert rules.refuse_volunteer(left) is not None


def test_anonymous_and_inactive_users_may_not_volunteer(client):
    from django.contrib.auth.models import AnonymousUser
    assert rules.refuse_volunteer(AnonymousUser()) == "Please sign in to volunteer as a monitor."
    member = pool_member()
    member.is_active = False
    member.save()
    assert rules.refuse_volunteer(member) is not None


def test_stepping_down_ends_assignments_and_volunteering_again_reactivates_the_same_row():
    w = world()
    assert services.step_down(user=w.assigned.user) is True
    w.assigned.refresh_from_db()
    assert not w.assigned.active and w.assigned.left_at is not None
    assert w.assigned.assignments.get().ended_at is not None
    assert rules.refuse_rate(w.assigned.user, w.item) == "Only a monitor assigned to this item can rate it."
    again = services.volunteer(user=w.assigned.user)
    assert again.pk == w.assigned.pk and again.active and again.left_at is None
    assert services.step_down(user=ResidentFactory()) is False


def test_only_staff_and_city_admins_assign_not_officers_of_the_items_department():
    w = world()
    assert rules.refuse_assign(w.officer, w.monitor, w.item) == "Only staff can assign monitors."
    assert rules.refuse_assign(UserFactory(is_staff=True), w.monitor, w.item) is None
    assert rules.refuse_assign(w.staff, w.monitor, w.item) is None
    with pytest.raises(PermissionDenied):
        services.assign(actor=w.officer, monitor=w.monitor, follow_up=w.item)


def test_an_item_has_several_monitors_but_one_row_per_monitor_and_item():
    w = world()
    services.assign(actor=w.staff, monitor=w.monitor, follow_up=w.item)
    assert w.item.monitor_assignments.count() == 2
    assert rules.refuse_assign(w.staff, w.monitor, w.item) == "This monitor already follows this item."
    assignment = MonitorAssignment.objects.get(monitor=w.monitor, follow_up=w.item)
    services.unassign(actor=w.staff, assignment=assignment)
    assert rules.refuse_unassign(w.staff, assignment) == "This assignment has already ended."
    again = services.assign(actor=w.staff, monitor=w.monitor, follow_up=w.item)
    assert again.pk == assignment.pk and again.ended_at is None


def test_only_answered_items_being_carried_out_are_assignable():
    w = world()
    open_item = FollowUpFactory()
    assert rules.refuse_assign(w.staff, w.monitor, open_item) == (
        "Only answered items that the department is carrying out can be monitored.")
    rejected = answered_item(verdict="not_accepted")
    assert rules.refuse_assign(w.staff, w.monitor, rejected) is not None
    done = answered_item(state=FollowUpState.COMPLETED, completed_at=timezone.now())
    assert rules.refuse_assign(w.staff, w.monitor, done) is not None


def test_only_the_assigned_monitor_rates_and_at_most_once_a_day():
    w = world()
    assert rules.refuse_rate(w.monitor.user, w.item) == "Only a monitor assigned to this item can rate it."
    assert rules.refuse_rate(w.officer, w.item) is not None
    stored = services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.DELAYED, note="  No works yet  ")
    assert stored.note == "No works yet" and stored.assignment.monitor == w.assigned
    assert rules.refuse_rate(w.assigned.user, w.item) == "You rated this item in the last 24 hours; rate it again later."
    with pytest.raises(PermissionDenied):
        services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.DONE, note="Again")
    MonitorRating.objects.filter(pk=stored.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert rules.refuse_rate(w.assigned.user, w.item) is None


def test_an_ended_assignment_may_not_rate():
    w = world()
    services.unassign(actor=w.staff, assignment=w.assigned.assignments.get())
    with pytest.raises(PermissionDenied):
        services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.ON_TRACK, note="Fine")


def test_a_rating_needs_a_known_value_and_a_short_note():
    w = world()
    with pytest.raises(ValidationError) as error:
        services.rate(user=w.assigned.user, follow_up=w.item, rating="great", note=" ")
    assert set(error.value.message_dict) == {"rating", "note"}
    with pytest.raises(ValidationError) as error:
        services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.DONE, note="x" * 501)
    assert set(error.value.message_dict) == {"note"}
    assert not MonitorRating.objects.exists()


def test_officers_of_the_items_department_reply_once():
    w = world()
    rating = services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.STALLED, note="Site closed")
    assert rules.refuse_reply(w.other_officer, rating) == "This item belongs to another department."
    assert rules.refuse_reply(w.staff, rating) is not None
    assert rules.refuse_reply(w.assigned.user, rating) is not None
    with pytest.raises(ValidationError):
        services.reply(user=w.officer, rating=rating, body="   ")
    replied = services.reply(user=w.officer, rating=rating, body="Works resume in May.")
    assert replied.reply == "Works resume in May." and replied.replied_by == w.officer and replied.replied_at
    assert rules.refuse_reply(w.officer, replied) == "The department has already replied to this rating."
    with pytest.raises(PermissionDenied):
        services.reply(user=OfficerFactory(department=w.department), rating=rating, body="Second")


def test_auto_assignment_spreads_items_to_the_least_loaded_monitors_and_is_idempotent():
    staff = AdminFactory()
    first, second = monitor_of(), monitor_of()
    items = [answered_item() for _ in range(4)]
    services.assign(actor=staff, monitor=first, follow_up=items[0])
    made = services.auto_assign(actor=staff)
    assert len(made) == 3
    loads = {m.pk: MonitorAssignment.objects.filter(monitor=m, ended_at__isnull=True).count() for m in (first, second)}
    assert loads == {first.pk: 2, second.pk: 2}
    assert all(item.monitor_assignments.count() == 1 for item in items)
    assert services.auto_assign(actor=staff) == []
    with pytest.raises(PermissionDenied):
        services.auto_assign(actor=OfficerFactory())


def test_a_rating_and_a_reply_are_announced_after_commit(django_capture_on_commit_callbacks):
    from governance.monitoring import signals
    heard = []

    def listener(sender, rating, **kwargs):
        heard.append((rating.pk, rating.reply))

    signals.rating_published.connect(listener)
    signals.rating_replied.connect(listener)
    try:
        w = world()
        with django_capture_on_commit_callbacks(execute=True):
            rating = services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.DONE, note="Opened")
        with django_capture_on_commit_callbacks(execute=True):
            services.reply(user=w.officer, rating=rating, body="Thank you")
    finally:
        signals.rating_published.disconnect(listener)
        signals.rating_replied.disconnect(listener)
    assert heard == [(rating.pk, ""), (rating.pk, "Thank you")]
