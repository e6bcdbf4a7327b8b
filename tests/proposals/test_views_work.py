"""The pages of people at work: moderation, the department follow-up queue, notifications and the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import FollowUp, Notification
from proposals.states import FollowUpState, State
from tests.factories import (
    AdminFactory, CommentFactory, ModeratorFactory, OfficerFactory, UserFactory,
)
from tests.proposals.web import login, messages_of

pytestmark = pytest.mark.django_db


# --- moderation ---------------------------------------------------------------------------------------


def test_moderation_page_for_moderators_only(client, published):
    services.flag_content(reporter=UserFactory(), proposal=published, reason="Looks like an advert")
    assert login(client, UserFactory()).get(reverse("proposals:moderation")).status_code == 403
    response = login(client, ModeratorFactory()).get(reverse("proposals:moderation"))
    assert response.status_code == 200
    assert "Looks like an advert" in response.text and published.title in response.text
    assert reverse("accounts:verify_residents") in response.text


def test_moderator_hides_and_restores_with_a_reason(client, published):
    moderator = ModeratorFactory()
    url = reverse("proposals:moderate", args=[published.pk])
    login(client, moderator)
    response = client.post(url, {"action": "hide", "reason": ""}, follow=True)
    published.refresh_from_db()
    assert published.state == State.PUBLISHED
    assert "A reason is required; it stays on record." in messages_of(response)
    client.post(url, {"action": "hide", "reason": "Advert", "next": reverse("proposals:moderation")})
    published.refresh_from_db()
    assert published.state == State.HIDDEN
    client.post(url, {"action": "restore", "reason": "Appeal accepted"})
    published.refresh_from_db()
    assert published.state == State.PUBLISHED


def test_moderator_hides_a_comment_and_public_no_longer_sees_it(client, published):
    comment = CommentFactory(proposal=published, body="rude words", body_html="<p>rude words</p>")
    login(client, ModeratorFactory()).post(reverse("proposals:moderate", args=[published.pk]),
                                           {"action": "hide_comment", "reason": "Insult", "comment": comment.pk})
    comment.refresh_from_db()
    assert comment.is_hidden
    client.logout()
    page = client.get(published.get_absolute_url()).text
    assert "rude words" not in page
    assert "A comment was hidden by a moderator. Reason: Insult" in page


def test_citizen_cannot_moderate(client, published):
    response = login(client, UserFactory()).post(reverse("proposals:moderate", args=[published.pk]),
                                                 {"action": "hide", "reason": "x"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.state == State.PUBLISHED


# --- follow-ups ---------------------------------------------------------------------------------------


def test_escalated_proposal_page_shows_the_follow_up(client, escalated):
    proposal, follow_up = escalated
    response = client.get(proposal.get_absolute_url())
    assert "Escalated to the department" in response.text
    assert f'id="follow-up-{follow_up.pk}"' in response.text
    assert "Reached 3 supports and was escalated to the department." in response.text


def test_public_follow_ups_list_and_overdue_filter(client, escalated):
    _proposal, follow_up = escalated
    response = client.get(reverse("proposals:follow_ups"))
    assert response.status_code == 200 and follow_up.title in response.text
    assert follow_up.title not in client.get(reverse("proposals:follow_ups"), {"overdue": "1"}).text
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(days=2))
    response = client.get(reverse("proposals:follow_ups"), {"overdue": "1"})
    assert follow_up.title in response.text and "badge overdue" in response.text


def test_follow_up_queue_is_for_officers(client, escalated):
    _proposal, follow_up = escalated
    assert client.get(reverse("proposals:follow_up_queue")).status_code == 302
    assert login(client, UserFactory()).get(reverse("proposals:follow_up_queue")).status_code == 403
    officer = OfficerFactory(department=follow_up.department)
    response = login(client, officer).get(reverse("proposals:follow_up_queue"))
    assert response.status_code == 200 and follow_up.title in response.text
    other = OfficerFactory()
    assert follow_up.title not in login(client, other).get(reverse("proposals:follow_up_queue")).text


def test_officer_of_another_department_gets_403_on_the_work_page(client, escalated):
    _proposal, follow_up = escalated
    response = login(client, OfficerFactory()).get(reverse("proposals:follow_up_work", args=[follow_up.pk]))
    assert response.status_code == 403
    assert "This item belongs to another department." in response.text


def test_officer_asks_author_replies_then_answer_and_progress(client, escalated):
    proposal, follow_up = escalated
    officer = OfficerFactory(department=follow_up.department)
    work = reverse("proposals:follow_up_work", args=[follow_up.pk])
    login(client, officer)
    page = client.get(work)
    assert page.status_code == 200
    assert set(page.context["allowed"]) == {"clarification", "answer"}

    client.post(work, {"form": "clarification", "clarification-body": "Which bus lines?"})
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.CLARIFICATION

    login(client, proposal.author)
    page = client.get(proposal.get_absolute_url())
    assert "Which bus lines?" in page.text and f'id="clarify-{follow_up.pk}"' in page.text
    client.post(reverse("proposals:clarification_reply", args=[follow_up.pk]), {"body": "Lines N13 and N14."})
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.OPEN

    login(client, officer)
    response = client.post(work, {"form": "answer", "answer-verdict": "accepted", "answer-body": ""})
    assert response.status_code == 200 and response.context["answer_form"].errors["body"]
    client.post(work, {"form": "answer", "answer-verdict": "accepted", "answer-body": "We will run them."})
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.ANSWERED
    assert client.get(work).context["allowed"] == ["progress"]

    client.post(work, {"form": "progress", "progress-percent": "40", "progress-body": "Drivers hired."})
    follow_up.refresh_from_db()
    assert follow_up.progress_percent == 40
    response = client.post(work, {"form": "clarification", "clarification-body": "late question"}, follow=True)
    assert "not possible in the item's current state" in " ".join(messages_of(response))
    page = client.get(proposal.get_absolute_url()).text
    assert "We will run them." in page and 'aria-valuenow="40"' in page


def test_clarification_reply_error_keeps_the_text(client, escalated):
    proposal, follow_up = escalated
    services.request_clarification(officer=OfficerFactory(department=follow_up.department), follow_up=follow_up,
                                   body="Where exactly?")
    text = "z" * 20_001
    response = login(client, proposal.author).post(reverse("proposals:clarification_reply", args=[follow_up.pk]),
                                                   {"body": text})
    assert response.status_code == 200
    assert text in response.text


def test_only_the_author_can_reply_to_a_clarification(client, escalated):
    _proposal, follow_up = escalated
    services.request_clarification(officer=OfficerFactory(department=follow_up.department), follow_up=follow_up,
                                   body="Where exactly?")
    response = login(client, UserFactory()).post(reverse("proposals:clarification_reply", args=[follow_up.pk]),
                                                 {"body": "Not mine"}, follow=True)
    assert "Only the author of the proposal can reply to the department." in messages_of(response)
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.CLARIFICATION


# --- notifications, admin -----------------------------------------------------------------------------


def test_notifications_list_and_mark_all_read(client, escalated):
    proposal, _follow_up = escalated
    author = proposal.author
    assert Notification.objects.filter(user=author, read_at__isnull=True).exists()
    login(client, author)
    response = client.get(reverse("proposals:notifications"))
    assert response.status_code == 200
    assert proposal.title in response.text and proposal.get_absolute_url() in response.text
    assert response.context["unread_notifications"] >= 1
    client.post(reverse("proposals:notifications"))
    assert not Notification.objects.filter(user=author, read_at__isnull=True).exists()


def test_notifications_require_sign_in(client):
    assert client.get(reverse("proposals:notifications")).status_code == 302


@pytest.mark.parametrize("model", ["category", "proposal", "comment", "flag", "moderationaction", "followup",
                                   "followupupdate", "notification", "timelineentry", "tag"])
def test_admin_changelists_render(client, escalated, model):
    login(client, AdminFactory())
    assert client.get(reverse(f"admin:proposals_{model}_changelist")).status_code == 200


def test_admin_change_pages_render(client, escalated):
    proposal, follow_up = escalated
    login(client, AdminFactory())
    assert client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).status_code == 200
    assert client.get(reverse("admin:proposals_followup_change", args=[follow_up.pk])).status_code == 200
    assert client.get(reverse("admin:proposals_category_change", args=[proposal.category_id])).status_code == 200


def test_home_counts_overdue_answers(client, escalated):
    _proposal, follow_up = escalated
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(days=1))
    response = client.get(reverse("home"))
    assert response.context["summary"]["overdue_follow_ups"] == 1


def test_queue_marks_overdue_items(client, escalated):
    _proposal, follow_up = escalated
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(days=3))
    response = login(client, OfficerFactory(department=follow_up.department)).get(
        reverse("proposals:follow_up_queue"))
    assert 'class="is-overdue"' in response.text and "3 days late" in response.text
