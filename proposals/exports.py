"""Open data: public proposals as CSV or JSON, streamed in chunks so a large table never sits in memory.

Rows are read in keyset chunks (id > last id) rather than through one long cursor, so the same code
streams under ASGI (Daphne, where Django would otherwise buffer a synchronous iterator whole) and
under WSGI or the test client.
"""

import json
from collections.abc import AsyncIterator, Callable, Iterator

from asgiref.sync import sync_to_async
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone

from frontend.spreadsheet import BOM, csv_lines  # no cell runs as a spreadsheet formula

COLUMNS = ("id", "title", "category", "district", "state", "support_count", "published_at",
           "escalation_level", "follow_up_verdict")
CHUNK = 2000


def _record(row: tuple) -> dict:
    record = dict(zip(COLUMNS, row))
    published = record["published_at"]
    record["published_at"] = timezone.localtime(published).isoformat() if published else None
    record["follow_up_verdict"] = record["follow_up_verdict"] or None
    record["district"] = record["district"] or None
    return record


def _csv_chunk(rows: list[tuple], first: bool) -> str:
    return csv_lines([record[c] for c in COLUMNS] for record in map(_record, rows))


def _json_chunk(rows: list[tuple], first: bool) -> str:
    parts = [json.dumps(_record(row), ensure_ascii=False) for row in rows]
    return ("\n" if first else ",\n") + ",\n".join(parts)


# format -> (content type, head, chunk writer, tail); the BOM lets spreadsheet programs read Korean as UTF-8.
FORMATS: dict[str, tuple[str, str, Callable[[list[tuple], bool], str], str]] = {
    "csv": ("text/csv; charset=utf-8", BOM + csv_lines([COLUMNS]), _csv_chunk, ""),
    "json": ("application/json; charset=utf-8", "[", _json_chunk, "\n]\n"),
}


def _chunk_after(queryset, last_id: int) -> list[tuple]:
    return list(queryset.filter(pk__gt=last_id).order_by("pk")[:CHUNK])


def _stream(queryset, fmt: str) -> Iterator[str]:
    _type, head, write, tail = FORMATS[fmt]
    yield head
    last_id, first = 0, True
    while rows := _chunk_after(queryset, last_id):
        yield write(rows, first)
        last_id, first = rows[-1][0], False
    yield tail


async def _astream(queryset, fmt: str) -> AsyncIterator[str]:
    _type, head, write, tail = FORMATS[fmt]
    yield head
    last_id, first = 0, True
    while rows := await sync_to_async(_chunk_after)(queryset, last_id):
        yield write(rows, first)
        last_id, first = rows[-1][0], False
    yield tail


def export_response(fmt: str, queryset, *, filename: str = "proposals",
                    asynchronous: bool = False) -> StreamingHttpResponse:
    """``queryset`` yields value tuples starting with the id (selectors.export_rows)."""
    if fmt not in FORMATS:
        raise Http404
    content = _astream(queryset, fmt) if asynchronous else _stream(queryset, fmt)
    response = StreamingHttpResponse(content, content_type=FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
