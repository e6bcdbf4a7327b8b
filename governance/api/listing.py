"""Filters and pages shared by every list of the API: what a query may ask, checked before any row is read.

Every list takes ``limit`` (1..MAX_LIMIT) and ``offset``; each adds the filters that apply to its records
(``since``/``until`` on its main date, ``district``, ``department``, ``state`` and a few of its own). A name
the list does not know, a state or district that does not exist, or an offset past the last row is a 400
(errors.BadRequest), never an empty page that looks like an answer.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import Field

from accounts.districts import District
from accounts.models import Department

from governance.api.errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=gettext_noop("rows per page, at most 100"))
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=gettext_noop("rows to skip"))


class DatedQuery(PageQuery):
    since: date | None = Field(None, description=gettext_noop("from this day (YYYY-MM-DD, Seoul time), inclusive"))
    until: date | None = Field(None, description=gettext_noop("to this day (YYYY-MM-DD, Seoul time), inclusive"))


@dataclass(frozen=True)
class Spec:
    """How one list filters: which column each filter reads; ``states``: the values ``state`` may take
    (a dict when the API's word maps to a condition of its own)."""

    date_field: str = ""
    date_is_day: bool = False  # a DateField (compared as days), not a DateTimeField
    district_field: str = ""
    department_field: str = ""  # a path to the department's code
    department_id_field: str = ""  # or to its id (the dashboard's tallies store the id)
    states: dict[str, Callable[[QuerySet], QuerySet]] | tuple = ()
    state_field: str = "state"
    extra: dict[str, str] = field(default_factory=dict)  # query name -> column, exact match (ids)


def _check_names(request: HttpRequest, query: Schema) -> None:
    known = set(type(query).model_fields)
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise BadRequest("unknown_parameter",
                         _("Unknown query parameter: %(names)s. This list accepts: %(known)s.")
                         % {"names": ", ".join(unknown), "known": ", ".join(sorted(known))},
                         unknown=unknown, accepted=sorted(known))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filter_dates(qs: QuerySet, spec: Spec, since: date | None, until: date | None) -> QuerySet:
    if since and until and since > until:
        raise BadRequest("bad_date_range", _("since must not be later than until."))
    if not spec.date_field:
        return qs
    is_day = spec.date_is_day
    if since:
        qs = qs.filter(**{f"{spec.date_field}__gte": since if is_day else _day_start(since)})
    if until:
        qs = (qs.filter(**{f"{spec.date_field}__lte": until}) if is_day
              else qs.filter(**{f"{spec.date_field}__lt": _day_start(until + timedelta(days=1))}))
    return qs


def _filter_state(qs: QuerySet, spec: Spec, state: str) -> QuerySet:
    allowed = list(spec.states)
    if state not in allowed:
        raise BadRequest("unknown_state", _("Unknown state %(state)s. This list's states: %(known)s.")
                         % {"state": state, "known": ", ".join(allowed)}, accepted=allowed)
    if isinstance(spec.states, dict):
        return spec.states[state](qs)
    return qs.filter(**{spec.state_field: state})


def _filter_department(qs: QuerySet, spec: Spec, code: str) -> QuerySet:
    if spec.department_field:
        if not Department.objects.filter(code=code).exists():
            raise BadRequest("unknown_department", _("Unknown department code %(code)s.") % {"code": code})
        return qs.filter(**{spec.department_field: code})
    department = Department.objects.filter(code=code).values_list("pk", flat=True).first()
    if department is None:
        raise BadRequest("unknown_department", _("Unknown department code %(code)s.") % {"code": code})
    return qs.filter(**{spec.department_id_field: department})


def apply_filters(request: HttpRequest, qs: QuerySet, query: Schema, spec: Spec) -> QuerySet:
    """``qs`` narrowed by the query's filters; a 400 for anything the list does not know."""
    _check_names(request, query)
    values: dict[str, Any] = query.model_dump()
    qs = _filter_dates(qs, spec, values.get("since"), values.get("until"))
    if values.get("district"):
        if values["district"] not in District.values:
            raise BadRequest("unknown_district", _("Unknown district %(code)s. Use a code such as mapo or jongno.")
                             % {"code": values["district"]}, accepted=list(District.values))
        qs = qs.filter(**{spec.district_field: values["district"]})
    if values.get("department"):
        qs = _filter_department(qs, spec, values["department"])
    if values.get("state"):
        qs = _filter_state(qs, spec, values["state"])
    for name, column in spec.extra.items():
        if values.get(name) is not None:
            qs = qs.filter(**{column: values[name]})
    return qs


def _link(request: HttpRequest, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params["offset"], params["limit"] = str(offset), str(limit)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def page(request: HttpRequest, qs: QuerySet, query: PageQuery, *, row: Callable[[dict], dict] | None = None) -> dict:
    """One page of ``qs`` (already ordered, ``values()`` rows): two queries, the count and the rows."""
    count = qs.count()
    limit, offset = query.limit, query.offset
    if offset and offset >= count:
        raise BadRequest("page_out_of_range",
                         _("offset %(offset)s is past the last row: this list has %(count)s rows.")
                         % {"offset": offset, "count": count}, count=count)
    rows = list(qs[offset:offset + limit])
    if row is not None:
        rows = [row(r) for r in rows]
    return {
        "count": count, "limit": limit, "offset": offset,
        "next": _link(request, offset + limit, limit) if offset + limit < count else None,
        "previous": _link(request, max(0, offset - limit), limit) if offset else None,
        "results": rows,
    }
