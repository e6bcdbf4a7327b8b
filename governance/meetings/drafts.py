"""The Markdown draft of an annual document, written from the year's figures (the secretariat edits it)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Gender
from governance.models import AnnualDocument, Committee
from governance.states import MemberCategory, MemberRoute


def _share(counts: dict, labels) -> str:
    parts = [f"{labels(key).label} {count}" for key, count in sorted(counts.items()) if key in labels.values]
    return ", ".join(parts) or "-"


def _rate(value) -> str:
    return "-" if value is None else f"{value} %"


def draft_text(committee: Committee, kind: str, figures: dict) -> str:
    """The draft in the city's language (Korean): the document is the city's record, whoever generates it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _draft_text(committee, kind, figures)


def _draft_text(committee: Committee, kind: str, figures: dict) -> str:
    meetings, attendance, minutes = figures["meetings"], figures["attendance"], figures["minutes"]
    recs, members = figures["recommendations"], figures["members"]
    year = figures["year"]
    if kind == AnnualDocument.Kind.PLAN:
        title = _("%(committee)s: operating plan for %(year)s") % {"committee": committee.name, "year": year}
        intro = _("Write here what the committee plans to take up this year, and when it meets.")
    else:
        title = _("%(committee)s: performance report for %(year)s") % {"committee": committee.name, "year": year}
        intro = _("Write here what the committee did this year and what came of it.")
    lines = [
        f"# {title}", "", intro, "",
        f"## {_('Meetings')}", "",
        "- " + _("Scheduled: %(n)d") % {"n": meetings["scheduled"]},
        "- " + _("Held: %(n)d") % {"n": meetings["held"]},
        "- " + _("Cancelled: %(n)d") % {"n": meetings["cancelled"]},
        "- " + _("Attendance rate: %(rate)s") % {"rate": _rate(attendance["rate"])},
        "- " + _("Minutes published on time: %(n)d of %(held)d (%(rate)s)")
        % {"n": minutes["on_time"], "held": minutes["held"], "rate": _rate(minutes["on_time_rate"])},
        "", f"## {_('Recommendations')}", "",
        "- " + _("Adopted: %(n)d") % {"n": recs["total"]},
        "- " + _("Accepted: %(n)d; partially accepted: %(p)d; not accepted: %(x)d")
        % {"n": recs["accepted"], "p": recs["partial"], "x": recs["not_accepted"]},
        "- " + _("Awaiting an answer: %(n)d; overdue: %(o)d") % {"n": recs["awaiting"], "o": recs["overdue"]},
        "", f"## {_('Members')}", "",
        "- " + _("Members during the year: %(n)d") % {"n": members["total"]},
        "- " + _("How they came in: %(list)s") % {"list": _share(members["by_route"], MemberRoute)},
        "- " + _("Categories: %(list)s") % {"list": _share(members["by_category"], MemberCategory)},
        "- " + _("Gender: %(list)s") % {"list": _share(members["by_gender"], Gender)},
        "",
    ]
    return "\n".join(lines)
