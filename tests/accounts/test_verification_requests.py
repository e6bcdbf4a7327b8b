"""A citizen asks to be verified as a resident; a moderator approves, or refuses with a reason."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import User, VerificationRequest
from accounts.services import VerificationError
from tests.factories import (AdminFactory, FacilitatorFactory, ModeratorFactory, OfficerFactory, ResidentFactory,
                             UserFactory)

pytestmark = pytest.mark.django_db


def test_a_citizen_requests_and_sees_the_request_waiting(client):
    citizen = UserFactory()
    client.force_login(citizen)
    assert "Ask to be verified as a resident" in client.get(reverse("accounts:profile")).text
    response = client.post(reverse("accounts:request_verification"), {"district": "mapo", "note": "Mangwon-dong"})
    assert response.status_code == 302
    request = VerificationRequest.objects.get(user=citizen)
    assert (request.district, request.note, request.state) == ("mapo", "Mangwon-dong", "pending")
    page = client.get(reverse("accounts:profile")).text
    assert "Waiting for a moderator" in page and "Your request is waiting" in page


def test_a_second_request_while_one_waits_is_refused():
    citizen = UserFactory()
    services.request_verification(user=citizen, district="mapo")
    with pytest.raises(PermissionDenied):
        services.request_verification(user=citizen, district="jung")
    assert VerificationRequest.objects.filter(user=citizen).count() == 1


def test_a_request_without_a_district_keeps_the_note(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:request_verification"), {"note": "kept note"})
    assert response.status_code == 400
    assert "kept note" in response.text


def test_a_verified_resident_cannot_request_again():
    with pytest.raises(PermissionDenied):
        services.request_verification(user=ResidentFactory(), district="mapo")


def test_moderator_sees_pending_requests_and_approves_one(client, django_capture_on_commit_callbacks):
    citizen = UserFactory(email="asks@example.org", email_notifications=True)
    request = services.request_verification(user=citizen, district="mapo", note="I live by the river")
    moderator = ModeratorFactory()
    client.force_login(moderator)
    page = client.get(reverse("accounts:verify_residents")).text
    assert "asks@example.org" in page and "I live by the river" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:answer_verification"),
                               {"request": request.pk, "decision": "approve"})

    assert response.status_code == 302
    request.refresh_from_db()
    citizen.refresh_from_db()
    assert request.state == "approved" and request.decided_by == moderator and request.decided_at
    assert citizen.is_verified_resident and citizen.verified_by == moderator
    assert mail.outbox[-1].to == ["asks@example.org"]  # in Korean, the site language; it links the profile
    assert reverse("accounts:profile") in mail.outbox[-1].body and "인증된 주민" in mail.outbox[-1].body


def test_a_refusal_needs_a_reason_and_the_citizen_reads_it(client):
    citizen = UserFactory()
    request = services.request_verification(user=citizen, district="mapo")
    client.force_login(ModeratorFactory())
    response = client.post(reverse("accounts:answer_verification"), {"request": request.pk, "decision": "refuse"})
    assert response.status_code == 400
    assert VerificationRequest.objects.get(pk=request.pk).state == "pending"
    client.post(reverse("accounts:answer_verification"),
                {"request": request.pk, "decision": "refuse", "reason": "Please come to the community centre"})
    assert VerificationRequest.objects.get(pk=request.pk).state == "refused"
    client.force_login(citizen)
    page = client.get(reverse("accounts:profile")).text
    assert "Refused" in page and "Please come to the community centre" in page
    assert not User.objects.get(pk=citizen.pk).is_verified_resident
    # and may ask again
    assert "Send the request" in page


def test_an_answered_request_cannot_be_answered_again():
    request = services.request_verification(user=UserFactory(), district="mapo")
    moderator = ModeratorFactory()
    services.answer_verification(moderator=moderator, request=request, approve=False, reason="no")
    with pytest.raises(VerificationError):
        services.answer_verification(moderator=moderator, request=request, approve=True)
    assert not request.user.is_verified_resident


# --- who may do what ------------------------------------------------------------------------------

ROLES = {
    "citizen": UserFactory, "facilitator": FacilitatorFactory, "officer": OfficerFactory,
    "moderator": ModeratorFactory, "staff": AdminFactory,
}


@pytest.mark.parametrize(("role", "allowed"), [
    ("anonymous", False), ("citizen", False), ("requester", False), ("facilitator", False), ("officer", False),
    ("moderator", True), ("staff", True),
])
def test_who_may_answer_a_request(client, role, allowed):
    requester = UserFactory()
    request = services.request_verification(user=requester, district="mapo")
    if role == "requester":
        client.force_login(requester)
    elif role != "anonymous":
        client.force_login(ROLES[role]())
    page = client.get(reverse("accounts:verify_residents"))
    response = client.post(reverse("accounts:answer_verification"), {"request": request.pk, "decision": "approve"})
    request.refresh_from_db()
    assert (request.state == "approved") is allowed
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"] and "/accounts/login/" in page["Location"]
    elif not allowed:
        assert response.status_code == 403 and page.status_code == 403


@pytest.mark.parametrize("role", ["anonymous", "citizen", "facilitator", "officer", "moderator", "staff"])
def test_who_may_request(client, role):
    if role != "anonymous":
        client.force_login(ROLES[role]())
    response = client.post(reverse("accounts:request_verification"), {"district": "mapo"})
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
        assert not VerificationRequest.objects.exists()
    else:  # anyone signed in and not yet verified may ask; a request is always the asker's own
        assert response.status_code == 302
        assert VerificationRequest.objects.get().user.role == (role if role != "staff" else "admin")


def test_services_refuse_a_non_moderator_answer():
    request = services.request_verification(user=UserFactory(), district="mapo")
    with pytest.raises(PermissionDenied):
        services.answer_verification(moderator=UserFactory(), request=request, approve=True)
    with pytest.raises(ValidationError):
        services.answer_verification(moderator=ModeratorFactory(), request=request, approve=False, reason="  ")
