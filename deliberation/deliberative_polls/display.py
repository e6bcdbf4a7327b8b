"""The deliberative poll's report shaped for its page: bars in percent, the shift chart's coordinates.

Only presentation: every figure comes from deliberation.deliberative_polls.survey.build_report (selectors.dpoll_report)
as it is; this module picks, labels and scales them. The charts are drawn on the server (CSS bars
and an inline SVG), so the page reads without JavaScript, like the vote results.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from deliberation.deliberative_polls.survey.exports import TABLES
from deliberation.deliberative_polls.survey.questions import SCALE_RANGES

GROUPS = (("deliberation", "deliberating"), ("control", "control"))  # report key, SurveyGroup value
# Each row of the shift chart is its own small SVG (the arrow only); its label is HTML text above it, which
# wraps and keeps the page's font size on a phone (text inside a scaled SVG shrinks with it).
SVG_WIDTH, SVG_LEFT, SVG_RIGHT, ROW_HEIGHT = 640, 18, 622, 40


def _percent(share) -> float | None:
    return None if share is None else round(100 * share, 1)


def _distribution_rows(figures: dict, labels: dict) -> list[dict]:
    rows = []
    for before, after in zip(figures["t1"]["values"], figures["t2"]["values"], strict=True):
        rows.append({"value": before["value"], "label": labels.get(before["value"], before["value"]),
                     "t1": _percent(before["share"]), "t2": _percent(after["share"]),
                     "t1_count": before["count"], "t2_count": after["count"],
                     "t1_weighted": _percent(before.get("weighted_share")),
                     "t2_weighted": _percent(after.get("weighted_share"))})
    return rows


def _value_labels(question: dict, stored) -> dict:
    """Labels of the answers: the scale's two ends named, yes/no translated, choices as they are."""
    if question["kind"] == "yesno":
        return {"yes": pgettext("answer to a survey question", "Yes"),
                "no": pgettext("answer to a survey question", "No")}
    if question["kind"] in SCALE_RANGES and stored is not None:
        low, high = SCALE_RANGES[question["kind"]]
        labels = {}
        if stored.low_label:
            labels[low] = f"{low} {stored.low_label}"
        if stored.high_label:
            labels[high] = f"{high} {stored.high_label}"
        return labels
    return {}


def _subgroup_rows(section: dict) -> list[dict]:
    rows = []
    for attribute, by_value in section["by_subgroup"].items():
        for value, figures in by_value.items():
            if figures.get("suppressed"):
                rows.append({"attribute": attribute, "value": value or "—", "suppressed": True})
                continue
            rows.append({"attribute": attribute, "value": value or "—", "suppressed": False,
                         "n": figures["n_paired"], "change": figures["change"]})
    return rows


def question_rows(report: dict, stored_questions: dict) -> list[dict]:
    """Per question: its groups' distributions, change, tests and subgroups, and the DiD for scales."""
    rows = []
    did = report.get("difference_in_differences") or {}
    for question in report["questions"]:
        labels = _value_labels(question, stored_questions.get(question["id"]))
        groups = []
        for key, name in GROUPS:
            group = report["groups"].get(key)
            if group is None:
                continue
            section = group["questions"][question["id"]]
            figures = section["all"]
            subgroups = _subgroup_rows(section)
            groups.append({"key": key, "name": name, "figures": figures, "change": figures["change"],
                           "bars": _distribution_rows(figures, labels), "subgroups": subgroups,
                           # every subgroup too small to show: one line says so instead of a table of dashes
                           "subgroups_hidden": bool(subgroups) and all(row["suppressed"] for row in subgroups)})
        rows.append({"id": question["id"], "text": question["text"], "kind": question["kind"],
                     "is_scale": question["kind"] in SCALE_RANGES, "groups": groups, "did": did.get(question["id"])})
    return rows


def shift_chart(report: dict) -> dict | None:
    """The scales' mean at T1 and T2 per group as arrows on each question's own range (0 to 100 %).

    x in SVG units (SVG_LEFT..SVG_RIGHT) of a row's own SVG (SVG_WIDTH x ROW_HEIGHT, the axis at ``y``), one
    row per question and group, numbered as the questions are on the page; None without scale questions.
    """
    rows, y = [], ROW_HEIGHT // 2
    for number, question in enumerate(report["questions"], start=1):
        if question["kind"] not in SCALE_RANGES:
            continue
        low, high = SCALE_RANGES[question["kind"]]
        for key, _name in GROUPS:
            group = report["groups"].get(key)
            if group is None:
                continue
            change = group["questions"][question["id"]]["all"]["change"]
            if change["mean_t1"] is None:
                continue

            def x(value):
                return round(SVG_LEFT + (value - low) / (high - low) * (SVG_RIGHT - SVG_LEFT), 1)

            x1, x2 = x(change["mean_t1"]), x(change["mean_t2"])
            up = x2 >= x1
            tip = 18 if up else -18  # the arrowhead: a triangle whose point is the mean at T2
            rows.append({"question": question["id"], "number": number, "text": question["text"], "group": key,
                         "y": y, "x1": x1, "x2": x2, "mean_t1": change["mean_t1"], "mean_t2": change["mean_t2"],
                         "up": up, "low": low, "high": high,
                         "head": f"{x2},{y} {x2 - tip},{y - 12} {x2 - tip},{y + 12}"})
    if not rows:
        return None
    return {"rows": rows, "width": SVG_WIDTH, "height": ROW_HEIGHT, "left": SVG_LEFT, "right": SVG_RIGHT,
            "y": y, "has_control": any(row["group"] == "control" for row in rows)}


def representativeness_rows(report: dict) -> list[dict]:
    rows = []
    for key, _name in GROUPS:
        group = report["groups"].get(key)
        for attribute, detail in ((group or {}).get("representativeness") or {}).items():
            rows.append({"group": key, "attribute": attribute, "chi": detail["chi_square"],
                         "values": [{**v, "sample_pct": _percent(v["sample_share"]),
                                     "population_pct": _percent(v["population_share"]),
                                     "difference_pct": _percent(v["difference"])}
                                    # jsonb keeps no key order; by value reads well (age bands too: "70+" last)
                                    for v in sorted(detail["values"], key=lambda v: str(v["value"]))]})
    return rows


def table_links() -> list[tuple[str, str]]:
    """The report's tables for download, each with what it holds in words (the file keeps its name)."""
    labels = {"distributions": _("Answers at T1 and T2"), "changes": _("Changes"), "tests": _("Significance tests"),
              "attrition": _("Attrition"), "representativeness": _("Representativeness"),
              "difference_in_differences": _("Difference-in-differences")}
    return [(name, labels.get(name, name)) for name in TABLES]
