"""The API's errors: one JSON shape, ``{"error": {"code", "message", "detail"}}``, the message in the reader's
language (Korean by default, English when Accept-Language asks for it; LocaleMiddleware chooses)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _


class BadRequest(Exception):
    """A query the API cannot answer as asked: a 400 with a message saying what to change."""

    def __init__(self, code: str, message: str, **detail):
        super().__init__(message)
        self.code, self.message, self.detail = code, message, detail


def error_body(code: str, message: str, **detail) -> dict:
    return {"error": {"code": code, "message": str(message), "detail": detail}}


def _reason(error: dict) -> str:
    """One pydantic error as a sentence about the query parameter it is about."""
    name = str(error.get("loc", ["", "?"])[-1])
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("%(name)s is not a date: write it as YYYY-MM-DD.") % {"name": name}
    if kind == "less_than_equal":
        return _("%(name)s must be at most %(limit)s.") % {"name": name, "limit": ctx.get("le")}
    if kind == "greater_than_equal":
        return _("%(name)s must be at least %(limit)s.") % {"name": name, "limit": ctx.get("ge")}
    if kind.startswith("int"):
        return _("%(name)s must be a whole number.") % {"name": name}
    if kind == "string_too_long":
        return _("%(name)s is too long.") % {"name": name}
    return _("%(name)s has a value the API does not accept.") % {"name": name}


def validation_message(errors: list[dict]) -> tuple[str, list[str]]:
    reasons = [_reason(e) for e in errors] or [_("The query is not valid.")]
    return " ".join(reasons), [str(e.get("loc", ["", "?"])[-1]) for e in errors]


def not_found_message() -> str:
    return _("There is no public record at this address.")


def too_many_message() -> str:
    return _("Too many requests from your address. Wait as long as the Retry-After header says, then try again.")


def method_message() -> str:
    return _("The open-data API is read-only: use GET.")



def json_error(status: int, code: str, message: str, **detail) -> JsonResponse:
    """For the few answers given outside ninja's operations (an unknown address under /api/v1/)."""
    return JsonResponse(error_body(code, message, **detail), status=status, json_dumps_params={"ensure_ascii": False})
