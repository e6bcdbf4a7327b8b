"""The lifecycles and code lists of governance, as data: each table is applied by ``core.lifecycle``."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberCategory(models.TextChoices):
    CITIZEN = "citizen", _("Ordinary citizen")
    EXPERT = "expert", _("Expert")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    COUNCIL = "council", _("Council member")
    OFFICIAL = "official", _("Official")


class MemberRoute(models.TextChoices):
    APPOINTED = "appointed", _("Appointed")
    OPEN_CALL = "open_call", _("Open call")
    LOT = "lot", _("Drawn by lot")


class OpenCallState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state of an open call", "Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed, being reviewed")
    SELECTED = "selected", _("Selection published")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_CALL_TRANSITIONS: dict[str, set[str]] = {
    OpenCallState.DRAFT: {OpenCallState.OPEN, OpenCallState.CANCELLED},
    OpenCallState.OPEN: {OpenCallState.CLOSED, OpenCallState.CANCELLED},
    OpenCallState.CLOSED: {OpenCallState.SELECTED},
    OpenCallState.SELECTED: set(),
    OpenCallState.CANCELLED: set(),
}


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationState.SUBMITTED: {ApplicationState.WITHDRAWN, ApplicationState.SELECTED, ApplicationState.NOT_SELECTED},
    ApplicationState.WITHDRAWN: set(),
    ApplicationState.SELECTED: set(),
    ApplicationState.NOT_SELECTED: set(),
}


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online, in a live room")
    HYBRID = "hybrid", _("In person and online")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", pgettext_lazy("state of a meeting", "Cancelled")


MEETING_TRANSITIONS: dict[str, set[str]] = {
    MeetingState.SCHEDULED: {MeetingState.HELD, MeetingState.CANCELLED},
    MeetingState.HELD: set(),
    MeetingState.CANCELLED: set(),
}


class DocumentState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state of a document", "Draft")
    PUBLISHED = "published", _("Published")


DOCUMENT_TRANSITIONS: dict[str, set[str]] = {
    DocumentState.DRAFT: {DocumentState.PUBLISHED},
    DocumentState.PUBLISHED: set(),
}


class Rating(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    STALLED = "stalled", _("Stalled")
    DONE = "done", _("Done")
