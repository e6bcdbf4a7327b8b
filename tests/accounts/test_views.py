"""Account pages: the optional profile, resident verification by moderators, allauth inside the site layout."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import AdminFactory, DepartmentFactory, ModeratorFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_profile_requires_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_profile_shows_role_verification_and_why_fields_are_asked(client):
    officer = OfficerFactory(department=DepartmentFactory(name="Transport Policy"))
    client.force_login(officer)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "Department officer" in response.text and "Transport Policy" in response.text
    assert "Not verified yet" in response.text
    assert "aggregate statistics" in response.text


def test_profile_update_saves_optional_fields(client):
    user = UserFactory(email_notifications=True)
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {
        "display_name": "Mapo walker", "district": "mapo", "birth_year": "1985", "gender": "female",
        "optional_consent": "on",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.district, user.birth_year, user.gender) == ("Mapo walker", "mapo", 1985, "female")
    assert user.email_notifications is False  # an unticked box


def test_profile_error_keeps_what_was_typed(client):
    user = UserFactory(display_name="before")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "Kept name", "birth_year": "1800"})
    assert response.status_code == 200
    assert response.context["form"].errors["birth_year"]
    assert 'value="Kept name"' in response.text
    user.refresh_from_db()
    assert user.display_name == "before"


def test_residents_page_is_for_moderators(client):
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:verify_residents"))
    assert response.status_code == 403
    assert "Only moderators can verify residents." in response.text


def test_moderator_searches_and_verifies_a_resident(client):
    citizen = UserFactory(email="jiwoo@example.org")
    other = UserFactory(email="someone@example.org")
    moderator = ModeratorFactory()
    client.force_login(moderator)
    response = client.get(reverse("accounts:verify_residents"), {"q": "jiwoo"})
    assert response.status_code == 200
    assert citizen.email in response.text and other.email not in response.text

    client.post(reverse("accounts:verify_residents"), {"user": citizen.pk, "verified": "1"})
    citizen.refresh_from_db()
    assert citizen.is_verified_resident and citizen.verified_by == moderator
    response = client.get(reverse("accounts:verify_residents"), {"show": "verified"})
    assert citizen.email in response.text

    client.post(reverse("accounts:verify_residents"), {"user": citizen.pk, "verified": "0"})
    citizen.refresh_from_db()
    assert not citizen.is_verified_resident


def test_verify_with_a_bad_user_id_is_404(client):
    client.force_login(ModeratorFactory())
    assert client.post(reverse("accounts:verify_residents"), {"user": "abc", "verified": "1"}).status_code == 404


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_allauth_pages_render_in_the_site_layout(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'class="skip-link"' in response.text  # our base.html, not allauth's bare layout


def test_admin_user_pages_render(client):
    admin = AdminFactory()
    client.force_login(admin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[admin.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:accounts_department_changelist")).status_code == 200


def test_admin_action_verifies_residents_through_the_service(client):
    admin = AdminFactory()
    citizen = UserFactory()
    client.force_login(admin)
    client.post(reverse("admin:accounts_user_changelist"),
                {"action": "verify_residents", "_selected_action": [citizen.pk]})
    citizen.refresh_from_db()
    assert citizen.is_verified_resident and citizen.verified_by == admin


def test_admin_creates_a_user_by_email(client):
    client.force_login(AdminFactory())
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "new@example.org", "password1": "a-long-pass-2026!", "password2": "a-long-pass-2026!",
        "role": "citizen",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(email="new@example.org").exists()
