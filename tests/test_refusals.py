"""One helper turns a refusal into what a person reads: pages and WebSocket frames say the same."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from deliberation.juries.services.juries import JuryError
from deliberation.rooms.services.clock import ClockError
from frontend.refusals import refusal, refusal_message


def test_a_rules_refusal_is_forbidden_with_the_rules_reason():
    assert refusal(PermissionDenied("Only the facilitator can do this.")) == (
        "forbidden", "Only the facilitator can do this.")


def test_a_bare_permission_denied_still_says_something():
    with translation.override("en"):
        assert refusal(PermissionDenied()) == ("forbidden", "You may not do this.")


def test_a_module_error_keeps_its_own_code_and_a_plain_one_is_invalid():
    assert refusal(ClockError("The round is paused.", code="paused")) == ("paused", "The round is paused.")
    assert refusal(JuryError("Not now.")) == ("invalid", "Not now.")


def test_every_message_of_a_validation_error_is_read_including_by_field():
    assert refusal_message(ValidationError(["One.", "Two."])) == "One. Two."
    assert refusal(ValidationError({"emails": ["No one is registered as a@b.c."]})) == (
        "invalid", "No one is registered as a@b.c.")
