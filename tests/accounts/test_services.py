"""Account writes: the optional profile and resident verification by moderators."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import User
from tests.factories import (
    AdminFactory, FacilitatorFactory, ModeratorFactory, OfficerFactory, ResidentFactory, UserFactory,
)

pytestmark = pytest.mark.django_db


# --- Resident verification ------------------------------------------------------------------------


@pytest.mark.parametrize("make_moderator", [ModeratorFactory, AdminFactory], ids=["moderator", "admin"])
def test_moderator_verifies_a_resident(make_moderator):
    moderator = make_moderator()
    citizen = UserFactory()
    before = timezone.now()

    services.set_resident_verification(moderator=moderator, citizen=citizen, verified=True)

    citizen = User.objects.get(pk=citizen.pk)
    assert citizen.is_verified_resident
    assert citizen.verified_by == moderator
    assert citizen.verified_at >= before


def test_superuser_with_citizen_role_counts_as_moderator():
    superuser = UserFactory(is_superuser=True)

    services.set_resident_verification(moderator=superuser, citizen=UserFactory(email="c@example.org"), verified=True)

    assert User.objects.get(email="c@example.org").is_verified_resident


def test_revoking_verification_clears_who_and_when():
    resident = ResidentFactory(verified_by=ModeratorFactory())

    services.set_resident_verification(moderator=ModeratorFactory(), citizen=resident, verified=False)

    resident = User.objects.get(pk=resident.pk)
    assert (resident.is_verified_resident, resident.verified_at, resident.verified_by) == (False, None, None)


@pytest.mark.parametrize("make_user", [UserFactory, ResidentFactory, FacilitatorFactory, OfficerFactory],
                         ids=["citizen", "resident", "facilitator", "officer"])
def test_only_moderators_verify_residents(make_user):
    citizen = UserFactory()

    with pytest.raises(PermissionDenied):
        services.set_resident_verification(moderator=make_user(), citizen=citizen, verified=True)

    assert not User.objects.get(pk=citizen.pk).is_verified_resident


def test_nobody_verifies_themselves_without_being_a_moderator():
    citizen = UserFactory()

    with pytest.raises(PermissionDenied):
        services.set_resident_verification(moderator=citizen, citizen=citizen, verified=True)

    assert not User.objects.get(pk=citizen.pk).is_verified_resident


# --- Profile --------------------------------------------------------------------------------------


def test_profile_fields_are_saved():
    user = UserFactory()
    services.give_optional_consent(user=user)

    services.update_profile(user=user, display_name="마포주민", district="mapo", birth_year=1985, gender="female",
                            email_notifications=False)

    user = User.objects.get(pk=user.pk)
    assert (user.display_name, user.district, user.birth_year, user.gender, user.email_notifications) == (
        "마포주민", "mapo", 1985, "female", False,
    )


def test_profile_fields_may_be_left_empty():
    user = UserFactory(district="mapo", birth_year=1990, gender="male")

    services.update_profile(user=user, district="", birth_year=None, gender="")

    user = User.objects.get(pk=user.pk)
    assert (user.district, user.birth_year, user.gender) == ("", None, "")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"birth_year": 1899}, "birth_year"),
        ({"birth_year": timezone.localdate().year + 1}, "birth_year"),
        ({"birth_year": 2100}, "birth_year"),
        ({"district": "atlantis"}, "district"),
        ({"gender": "unknown"}, "gender"),
        ({"display_name": "가" * 41}, "display_name"),
    ],
    ids=["born-1899", "born-next-year", "born-2100", "unknown-district", "unknown-gender", "long-name"],
)
def test_invalid_profile_values_are_refused_and_not_stored(fields, field):
    user = UserFactory(display_name="원래 이름", district="jongno", birth_year=1970, gender="other")
    services.give_optional_consent(user=user)

    with pytest.raises(ValidationError) as excinfo:
        services.update_profile(user=user, **fields)

    assert field in excinfo.value.message_dict
    stored = User.objects.get(pk=user.pk)
    assert (stored.display_name, stored.district, stored.birth_year, stored.gender) == (
        "원래 이름", "jongno", 1970, "other",
    )


@pytest.mark.parametrize("year", [1900, timezone.localdate().year], ids=["1900", "this-year"])
def test_birth_year_bounds_are_accepted(year):
    user = UserFactory()
    services.give_optional_consent(user=user)

    services.update_profile(user=user, birth_year=year)

    assert User.objects.get(pk=user.pk).birth_year == year


@pytest.mark.parametrize("field", ["role", "is_verified_resident", "is_staff", "email", "department"])
def test_profile_update_cannot_touch_other_fields(field):
    user = UserFactory()

    with pytest.raises(ValueError):
        services.update_profile(user=user, **{field: "admin"})

    stored = User.objects.get(pk=user.pk)
    assert (stored.role, stored.is_verified_resident, stored.is_staff) == ("citizen", False, False)
