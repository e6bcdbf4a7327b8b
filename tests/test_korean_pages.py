"""Korean pages say nothing in the project's own English, and show no raw attribute or state code.

The demo data is loaded once (through the real services, as `make run` does) and the main pages are
rendered in Korean as an anonymous visitor, as staff (an administrator) and as a department officer.
The visible text of each page (text nodes outside scripts and styles, less what people wrote) must
not contain:

- any English message id of the catalogue of two or more words, or of one word of five letters or
  more (a string the code forgot to translate, or one shown where its translation should be);
- a raw code of the data: attribute keys such as ``district_group`` or ``age_band``, ``gender=female``,
  survey question codes (``q1``), or a stored choice value (``deliberating``, ``legacy``, ``female``);
- a name with its English in brackets ("교통 (Transport)");
- a date in a pattern of its own ("2026-12-03 23:15") instead of the one Korean
  style (2026년 12월 3일 오후 11:15).

The deliberative poll report's title must not call it a complaint (신고, the flag button's word).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
KO_PO = ROOT / "frontend" / "locale" / "ko" / "LC_MESSAGES" / "django.po"
PROJECT_APPS = ("accounts", "proposals", "deliberation", "voting", "imports")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
RAW_KEYS = re.compile(r"district_group|age_band|living_zone|birth_year|\b\w+=\w+|\bq\d+\b")
# A staff-entered name with its English in brackets ("교통 (Transport)"): each language has its own field.
# ("문서 (Markdown)", "결과(CSV)": a format's name, which the catalogue itself writes so, is not one.)
# A date or time written in a pattern of its own instead of the language's style (config/formats/).
RAW_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
BRACKETED_ENGLISH = re.compile(r"[\uac00-\ud7a3]+\s*\([A-Z][a-z][A-Za-z &,.'-]*\)")


def _po_entries(path: Path) -> list[dict]:
    """The catalogue's entries as {"msgid": …, "msgid_plural": …, "msgstr": […]} (a small reader, no polib)."""
    entries, current, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and key:
            current[key] += _unquote(line)
        else:
            key, _, value = line.partition(" ")
            key = "msgstr" if key.startswith("msgstr[") else key
            if key == "msgstr" and "msgstr" in current:
                key = "msgstr_more"
            current[key] = current.get(key, "") + _unquote(value)
    return [e for e in entries if e.get("msgid")]


def _unquote(text: str) -> str:
    return text.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n")


def _korean_catalogue() -> str:
    return "\n".join(e.get("msgstr", "") + e.get("msgstr_more", "") for e in _po_entries(KO_PO))


def english_ui_strings() -> list[str]:
    """The catalogue's English a Korean page must never show (see the module's docstring)."""
    entries = _po_entries(KO_PO)
    korean = "\n".join(e.get("msgstr", "") + e.get("msgstr_more", "") for e in entries)
    found = set()
    for entry in entries:
        for msgid in filter(None, (entry.get("msgid"), entry.get("msgid_plural"))):
            fragments = [f.strip(" .,:;·—–-()“”\"'") for f in PLACEHOLDER.split(msgid)]
            for fragment in fragments:
                words = re.findall(r"[A-Za-z]+", fragment)
                whole_word = len(fragments) == 1 and len(words) == 1 and len(words[0]) >= 5 and words[0] == fragment
                if (len(words) >= 2 and "\n" not in fragment) or whole_word:
                    # Some English is meant to stay in Korean too ("CSV", "Markdown", a test's name).
                    if fragment not in korean:
                        found.add(fragment)
    return sorted(found, key=len, reverse=True)


def stored_codes() -> set[str]:
    """Every stored choice value of the project's models (five letters or more): never shown raw."""
    codes = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z_]{5,}", value):
                    codes.add(value)
    from deliberation.panels.sortition.lottery import ALGORITHMS
    from accounts.districts import DISTRICT_GROUP_LABELS
    return codes | set(ALGORITHMS) | set(DISTRICT_GROUP_LABELS)


class VisibleText(HTMLParser):
    """The page's text nodes, less scripts, styles and templates, and less code and form values: a
    command, a hash or a code staff typed is shown as what it is, and a textarea holds input."""

    HIDDEN = {"script", "style", "template", "code", "pre", "textarea"}

    def __init__(self):
        super().__init__()
        self.depth, self.nodes = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.nodes.append(" ".join(data.split()))


KOREAN_CATALOGUE = _korean_catalogue()


def user_content() -> str:
    """What people wrote in the demo (titles, bodies, names, answers): shown as written, not checked."""
    from accounts.models import User
    from deliberation.models import (
        DeliberativePoll, Jury, Material, MinorityOpinion, Recommendation, Room, SurveyQuestion,
    )
    from proposals.models import Comment, Proposal
    from voting.models import Option, Vote

    texts = []
    for model, fields in ((Proposal, ("title", "body")), (Comment, ("body",)), (User, ("display_name", "email")),
                          (Room, ("title", "description")), (Vote, ("title", "description")),
                          (Option, ("label", "category")), (Jury, ("title", "question")),
                          (DeliberativePoll, ("title", "topic")), (SurveyQuestion, ("text", "low_label", "high_label")),
                          (Material, ("title", "body")), (Recommendation, ("text",)), (MinorityOpinion, ("text",)),
                          *governance_content()):
        for row in model.objects.values_list(*fields):
            texts.extend(" ".join(str(v).split()) for v in row if v)
    return "\n".join(texts)


def governance_content() -> list:
    """What the demo's committees wrote (governance/demo.py): names, mandates, agendas, minutes, notes."""
    from governance.models import (
        AnnualDocument, Application, Committee, CommitteeRecommendation, Meeting, Member, MonitorRating, OpenCall,
    )
    from proposals.models import FollowUp, FollowUpUpdate

    return [(Committee, ("name", "mandate", "legal_basis")), (Member, ("name", "route_note")),
            (OpenCall, ("title", "description", "selection_note")), (Application, ("statement", "reason")),
            (Meeting, ("title", "agenda", "place", "minutes", "cancelled_reason")),
            (CommitteeRecommendation, ("title", "body")), (AnnualDocument, ("body",)),
            (MonitorRating, ("note", "reply")), (FollowUp, ("title",)), (FollowUpUpdate, ("body",))]


def leaks(html: str, english: re.Pattern, codes: re.Pattern, written: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for node in parser.nodes:
        if node in written:
            continue
        for pattern in (english, codes, RAW_KEYS, RAW_DATE):
            found += [m.group(0) for m in pattern.finditer(node)]
        found += [m.group(0) for m in BRACKETED_ENGLISH.finditer(node) if m.group(0) not in KOREAN_CATALOGUE]
    return found


def main_pages(role) -> list[str]:
    """The pages to check for one role, with the demo's objects."""
    from deliberation.models import DeliberativePoll, Draw, Jury, Room
    from proposals.models import Proposal
    from proposals.states import PUBLIC_STATES
    from voting.models import Vote

    pages = [reverse("home"), reverse("proposals:list"), reverse("proposals:follow_ups"), reverse("voting:list"),
             reverse("juries:jury_list"), reverse("deliberative_polls:dpolls"),
             reverse("panels:pool"), reverse("rooms:list"), reverse("panels:draws"), reverse("privacy"),
             reverse("terms"), reverse("accessibility"), reverse("search") + "?q=%EC%9E%90%EC%A0%84%EA%B1%B0"]
    pages += [reverse("dashboard:index"), reverse("dashboard:wall")]
    from governance.models import AnnualDocument, Committee, Meeting, MonitorRating, OpenCall

    # (not api:docs: the API's reference lists its filter values, which are the stored codes by design)
    pages += [reverse("committees:list"), reverse("monitoring:overview")]
    pages += [reverse("committees:detail", args=[slug]) for slug in Committee.objects.values_list("slug", flat=True)]
    pages += [reverse("committees:call", args=[pk]) for pk in OpenCall.objects.values_list("pk", flat=True)]
    pages += [reverse("meetings:meeting", args=[pk]) for pk in
              Meeting.objects.order_by("state", "mode", "pk").distinct("state", "mode").values_list("pk", flat=True)]
    pages += [reverse("meetings:document", args=[d.committee.slug, d.year, d.kind])
              for d in AnnualDocument.objects.select_related("committee")
              if role == "admin" or d.state == "published"]  # a draft is the secretariat's
    pages += [reverse("monitoring:item", args=[pk]) for pk in
              MonitorRating.objects.values_list("follow_up_id", flat=True).distinct()[:3]]
    if role is not None:
        pages += [reverse("committees:my_applications"), reverse("monitoring:mine")]
    if role is None:
        pages.append(reverse("account_signup"))
    pages += [reverse("proposals:detail", args=[pk]) for pk in
              Proposal.objects.filter(state__in=PUBLIC_STATES).order_by("state", "pk").distinct("state").values_list("pk", flat=True)]
    for vote in Vote.objects.all():
        pages += [reverse("voting:detail", args=[vote.pk]), reverse("voting:results", args=[vote.pk])]
        pages += [reverse("voting:project", args=[vote.pk, option.position]) for option in vote.options.all()[:2]
                  if vote.kind == "budget"]
    for jury in Jury.objects.all():
        pages.append(reverse("juries:jury", args=[jury.pk]))
    for poll in DeliberativePoll.objects.all():
        pages += [reverse("deliberative_polls:dpoll_report", args=[poll.pk]),
                  reverse("deliberative_polls:dpoll_materials", args=[poll.pk])]
    if role == "admin":  # every room, record and staff page (the public rooms list is checked for everyone)
        rooms = list(Room.objects.values_list("pk", flat=True))
        pages += [reverse("rooms:record", args=[pk]) for pk in rooms]
        pages += [reverse("rooms:room", args=[pk]) for pk in rooms]
        pages += [reverse("voting:manage"), reverse("proposals:notifications"), reverse("accounts:profile"),
                  reverse("proposals:notification_settings"), reverse("panels:draw_new")]
        pages += [reverse("panels:draws"), reverse("proposals:moderation"),
                  reverse("accounts:verify_residents")]
        pages += [reverse("panels:draw", args=[pk]) for pk in Draw.objects.values_list("pk", flat=True)]
        pages += [reverse("juries:jury_manage", args=[pk]) for pk in Jury.objects.values_list("pk", flat=True)]
        pages += [reverse("deliberative_polls:dpoll_manage", args=[pk])
                  for pk in DeliberativePoll.objects.values_list("pk", flat=True)]
    if role == "officer":
        pages.append(reverse("proposals:follow_up_queue"))
    return pages


@pytest.mark.django_db
def test_korean_pages_show_no_english_ui_string_and_no_raw_code(client):
    call_command("load_demo", "--supporters", "300", stdout=open("/dev/null", "w"))
    from accounts.models import User

    english = re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, english_ui_strings())) + r")(?![A-Za-z])")
    # not a code when it begins a host name (privacy.kisa.or.kr, the complaints centre the privacy page names)
    codes = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(stored_codes()))) + r")(?![\w-]|\.\w)")
    written = user_content()
    problems, checked = {}, 0
    for role in (None, "admin", "officer"):
        client.logout()
        if role:
            client.force_login(User.objects.get(email=f"{role}@demo.seoul.example"))
        for url in main_pages(role):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
            if role is None and response.status_code == 302 and "/login/" in response["Location"]:
                continue  # for members only: checked as staff
            assert response.status_code == 200, (role, url, response.status_code)
            checked += 1
            html = response.content.decode()
            found = leaks(html, english, codes, written)
            if "/report/" in url and "신고" in html.split("</title>")[0]:
                found.append("신고 (a complaint) in the report's title")
            if found:
                problems[f"{role or 'anonymous'} {url}"] = sorted(set(found))
    assert checked > 40
    assert not problems, "\n".join(f"{page}: {words}" for page, words in problems.items())


def test_every_model_has_a_translated_name():
    """The admin shows each model by its verbose names: in Korean, not "Timeline entrys"."""
    untranslated = []
    with translation.override("ko"):
        for model in apps.get_models():
            if model._meta.app_label in PROJECT_APPS:
                for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
                    if not re.search(r"[\uac00-\ud7a3]", str(name)):
                        untranslated.append(f"{model._meta.label}: {name}")
    assert not untranslated, untranslated


def test_the_word_list_catches_what_it_should():
    words = set(english_ui_strings())
    assert {"Deliberating panel", "Sign in", "Report"} <= words
    assert "CSV" not in words and "English" not in words  # kept in Korean on purpose


def test_one_date_time_and_number_style_per_language():
    from datetime import datetime, timezone as tz

    from django.template import Context, Template
    from django.utils import timezone

    moment = timezone.localtime(datetime(2026, 12, 3, 14, 15, tzinfo=tz.utc))  # 23:15 in Seoul
    template = Template('{% load humanize %}{{ t|date:"DATETIME_FORMAT" }} / {{ t|date:"TIME_FORMAT" }} / {{ n|intcomma }}')
    with translation.override("ko"):
        assert template.render(Context({"t": moment, "n": 1234567})) == "2026년 12월 3일 오후 11:15 / 오후 11:15 / 1,234,567"
    with translation.override("en"):
        assert template.render(Context({"t": moment, "n": 1234567})) == "December 3, 2026, 11:15 PM / 11:15 PM / 1,234,567"


@pytest.mark.django_db
def test_the_technical_guides_public_pages_link_to_are_served(client):
    for name, anchor in (("voting", 'id="open-formats-and-managepy-tally"'), ("juries", 'id="drawing-by-lot"')):
        page = client.get(reverse("doc", args=[name]))
        assert page.status_code == 200 and anchor in page.content.decode()
    assert client.get(reverse("doc", args=["deployment"])).status_code == 404  # only the listed documents
