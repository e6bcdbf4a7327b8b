"""The public dashboard (협치시장실): every indicator with its chart, table, definition and CSV; a wall mode."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from frontend.spreadsheet import csv_response

from . import charts, selectors
from .forms import PeriodForm, default_period
from .indicators import BY_CODE, UNITS


def _filters(request):
    """(form, period, district, status): a bad filter keeps what was typed, says why, and shows this year."""
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, default_period(), "", 400
    if not form.is_bound:
        return form, default_period(), "", 200
    return form, form.period(), form.chosen_district(), 200


def _cards(figures_list):
    out = []
    for f in figures_list:
        chart = charts.bars(f.rows)
        out.append({"f": f, "unit": UNITS[f.indicator.unit], "shown": charts.display(f.value, f.indicator.unit),
                    "chart": chart, "svg": charts.svg(chart) if f.rows else "",
                    "rows": [(label, charts.display(v, f.indicator.unit)) for label, v in f.rows]})
    return out


def index(request):
    form, period, district, status = _filters(request)
    cards = _cards(selectors.dashboard(period, district))
    query = request.GET.urlencode() if status == 200 else ""
    return render(request, "governance/dashboard/index.html",
                  {"form": form, "period": period, "district": district, "cards": cards, "query": query,
                   "district_label": dict(selectors.DISTRICTS).get(district, "")}, status=status)


def wall(request):
    form, period, district, status = _filters(request)
    cards = _cards(selectors.dashboard(period, district))
    return render(request, "governance/dashboard/wall.html",
                  {"period": period, "district": district, "cards": cards, "form": form}, status=status)


def indicator_csv(request, code: str):
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404
    form, period, district, status = _filters(request)
    if status != 200:
        return render(request, "governance/dashboard/index.html",
                      {"form": form, "period": period, "cards": [], "district": ""}, status=400)
    [figures] = selectors.dashboard(period, district, [code])
    header = [_("Period or category"), _("Value"), _("Unit")]
    unit = str(UNITS[indicator.unit])
    rows = [[label, "" if value is None else value, unit] for label, value in figures.rows]
    rows.append([_("All of %(start)s – %(end)s") % {"start": period.start, "end": period.end},
                 "" if figures.value is None else figures.value, unit])
    suffix = f"-{district}" if district else ""
    return csv_response(f"{code}-{period.start}-{period.end}{suffix}.csv", header, rows)
