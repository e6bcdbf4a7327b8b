"""A room's record as downloads: a readable Markdown document, the transcript as CSV, the whole record as JSON.

All three are written from ``selectors.room_record``, so hidden chat lines and hidden questions are
absent from every one of them, and table chat is in them only for whoever could read it in the room.
A record is one room (bounded), so each file is built whole rather than streamed like the proposals'
open data. Times are written in the city's time zone.

CSV layout: one row per visible chat line (seq, time, round, table, author, body); an empty table
means the plenary. Poll results, questions and table summaries are not transcript lines: they are in
the JSON and the Markdown, where their shape fits.
"""

import json
import re
from datetime import datetime

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontend.spreadsheet import csv_text  # the BOM, and no cell runs as a spreadsheet formula

CSV_COLUMNS = ("seq", "time", "round", "table", "author", "body")


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _clock(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "–"


def _minutes(seconds: int | None) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"


def record_csv(record: dict) -> str:
    return csv_text(CSV_COLUMNS, ((line["seq"], _local(line["created_at"]), line["round_title"], line["table"],
                                   line["author"], line["body"]) for line in record["transcript"]))


def record_json(record: dict) -> str:
    def encode(value):
        if isinstance(value, datetime):
            return _local(value)
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    return json.dumps(record, ensure_ascii=False, indent=2, default=encode) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#|!~])")


def _text(text) -> str:
    """What people wrote, as literal text in Markdown: no links, images, HTML or emphasis of their own."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _cell(text) -> str:
    """People's text inside a Markdown table cell or list item: literal, one line."""
    return _text(" ".join(str(text).split()))


def _quote(text: str) -> str:
    return "\n".join("> " + _text(line) for line in text.splitlines()) or ">"


def _md_head(record: dict) -> list[str]:
    room = record["room"]
    lines = [f"# {_cell(room['title'])}", ""]
    if room["description"]:
        lines += [_text(room["description"]), ""]
    lines += [
        f"- {_('State')}: {room['state_label']} · {_('Access')}: {room['access_label']}",
        f"- {_('Opened')}: {_clock(room['opened_at'])} · {_('Ended')}: {_clock(room['ended_at'])}",
        f"- {_('Facilitated by')}: {_cell(', '.join(record['facilitators']))}",
        f"- {_('Participants')}: {record['participants']} · {_('Observers')}: {record['observers']}",
        "",
    ]
    return lines


def _md_agenda(record: dict) -> list[str]:
    lines = [f"## {_('Agenda as it ran')}", "",
             f"| # | {_('Round')} | {_('Kind')} | {_('State')} | {_('Planned')} | {_('Started')} | "
             f"{_('Ended')} | {_('Actual')} |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in record["rounds"]:
        lines.append(f"| {r['position']} | {_cell(r['title'])} | {r['kind_label']} | {r['state_label']} | "
                     f"{_minutes(r['planned_seconds'])} | {_clock(r['started_at'])} | {_clock(r['ended_at'])} | "
                     f"{_minutes(r['actual_seconds'])} |")
    return lines + [""]


def _md_polls(record: dict) -> list[str]:
    lines = [f"## {_('Live polls')}", ""]
    if not record["polls"]:
        return lines + [_("No poll was asked."), ""]
    for poll in record["polls"]:
        answers = ngettext("%(n)d answer", "%(n)d answers", poll["total"]) % {"n": poll["total"]}
        lines += [f"### {_cell(poll['question'])}", "", f"{poll['kind_label']} · {answers}", ""]
        lines += [f"- {_cell(o['label'])}: {o['count']} ({o['percent']}%)" for o in poll["options"]]
        if poll["mean"] is not None:
            lines.append(f"- {_('Mean')}: {poll['mean']}")
        lines.append("")
    return lines


def _md_questions(record: dict) -> list[str]:
    lines = [f"## {_('Questions')}", ""]
    if not record["questions"]:
        return lines + [_("No question was asked."), ""]
    for q in record["questions"]:
        votes = ngettext("%(n)d vote", "%(n)d votes", q["votes"]) % {"n": q["votes"]}
        lines.append(f"- {_cell(q['body'])} — {_cell(q['author'])} · {votes} · {q['state_label']} "
                     f"({_cell(q['round_title'])})")
    return lines + [""]


def _md_tables(record: dict) -> list[str]:
    if not record["tables"]:
        return []
    lines = [f"## {_('Table summaries')}", ""]
    for table in record["tables"]:
        round_title = f" ({_cell(table['round_title'])})" if table["round_title"] else ""
        lines += ["### " + _("Table %(n)s") % {"n": table["number"]} + round_title, ""]
        if table["facilitator"]:
            lines += [f"{_('Table facilitator')}: {_cell(table['facilitator'])}", ""]
        lines += [_quote(table["summary"]) if table["summary"] else _("No summary was written."), ""]
    return lines


def _md_transcript(record: dict) -> list[str]:
    lines = [f"## {_('Transcript')}", ""]
    if not record["transcript"]:
        return lines + [_("Nobody wrote in the chat."), ""]
    for line in record["transcript"]:
        where = _("Table %(n)s") % {"n": line["table"]} if line["table"] is not None else _("Plenary")
        round_title = f" · {_cell(line['round_title'])}" if line["round_title"] else ""
        body = "  \n  ".join(_text(part) for part in line["body"].split("\n"))
        lines.append(f"- {_clock(line['created_at'])}{round_title} · {where} · **{_cell(line['author'])}**: {body}")
    return lines + [""]


def record_markdown(record: dict) -> str:
    parts = (_md_head, _md_agenda, _md_polls, _md_questions, _md_tables, _md_transcript)
    return "\n".join(line for part in parts for line in part(record))


# format -> (content type, writer)
FORMATS = {
    "md": ("text/markdown; charset=utf-8", record_markdown),
    "csv": ("text/csv; charset=utf-8", record_csv),
    "json": ("application/json; charset=utf-8", record_json),
}


def record_response(record: dict, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    content_type, write = FORMATS[fmt]
    response = HttpResponse(write(record), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="room-{record["room"]["id"]}-record.{fmt}"'
    return response
