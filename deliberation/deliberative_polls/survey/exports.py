"""The report's tables as CSV (one file per kind of table) and the anonymised responses.

Tables (``TABLES``), each with a header row; a suppressed subgroup is one row with ``suppressed`` 1:

- ``distributions.csv``: group, attribute, subgroup, question, survey (t1/t2), value, count, share, weighted share;
- ``changes.csv``: scales: paired mean change, CI, paired t and Wilcoxon, and the weighted figures;
- ``tests.csv``: yes/no (McNemar) and single choice (Stuart-Maxwell): n, statistic, p-value;
- ``attrition.csv``, ``representativeness.csv``, ``difference_in_differences.csv``.

Responses: one row per participant, question and survey; the participant id is replaced by a label
derived with HMAC-SHA256 from a secret the poll keeps (stable across exports of the same poll,
unguessable without the secret), and rows are ordered by label, not by id.
"""

import hashlib
import hmac
from collections.abc import Sequence
from pathlib import Path

from frontend.spreadsheet import csv_lines

from deliberation.deliberative_polls.survey.questions import Participant, Question

TABLES = ("distributions", "changes", "tests", "attrition", "representativeness", "difference_in_differences")
ALL = ("", "")  # (attribute, subgroup) of a whole group's figures


def table_rows(report: dict) -> dict[str, list[list]]:
    """{table name: rows, the first being the header} from a report of build_report."""
    tables = {
        "distributions": [["group", "attribute", "subgroup", "suppressed", "question", "survey", "value", "count",
                           "share", "weighted_share"]],
        "changes": [["group", "attribute", "subgroup", "suppressed", "question", "n_paired", "mean_t1", "mean_t2",
                     "mean_change", "ci_low", "ci_high", "t_statistic", "t_pvalue", "wilcoxon_statistic",
                     "wilcoxon_pvalue", "weighted_mean_change", "weighted_ci_low", "weighted_ci_high",
                     "weighted_t_pvalue", "design_effect", "effective_n"]],
        "tests": [["group", "attribute", "subgroup", "suppressed", "question", "test", "n_paired", "statistic",
                   "pvalue"]],
        "attrition": [["group", "attribute", "subgroup", "suppressed", "t1", "t2", "missed_t2", "missed_share"]],
        "representativeness": [["group", "attribute", "value", "sample_count", "sample_share", "population_share",
                                "difference", "chi_square", "df", "pvalue"]],
        "difference_in_differences": [["question", "weighted", "n_deliberation", "n_control", "difference", "ci_low",
                                       "ci_high", "t_statistic", "df", "pvalue"]],
    }
    kinds = {q["id"]: q["kind"] for q in report["questions"]}
    for group, section in report["groups"].items():
        _attrition_rows(tables["attrition"], group, section["attrition"])
        for attribute, detail in (section["representativeness"] or {}).items():
            chi = detail["chi_square"]
            for row in detail["values"]:
                tables["representativeness"].append(
                    [group, attribute, row["value"], row["sample_count"], row["sample_share"],
                     row["population_share"], row["difference"], chi["statistic"], chi["df"], chi["pvalue"]])
        for qid, figures in section["questions"].items():
            cells = [(ALL, figures["all"])] + [((attribute, value), f)
                                                for attribute, by_value in figures["by_subgroup"].items()
                                                for value, f in by_value.items()]
            for (attribute, value), f in cells:
                _figure_rows(tables, [group, attribute, value], qid, kinds[qid], f)
    for qid, did in report.get("difference_in_differences", {}).items():
        for label, figures in (("0", did["unweighted"]), ("1", did["weighted"])):
            if figures:
                tables["difference_in_differences"].append(
                    [qid, label] + [figures[k] for k in ("n_deliberation", "n_control", "difference", "ci_low",
                                                         "ci_high", "t_statistic", "df", "pvalue")])
    return tables


def _attrition_rows(rows, group, attrition):
    keys = ("t1", "t2", "missed_t2", "missed_share")
    rows.append([group, "", "", 0] + [attrition[k] for k in keys])
    for attribute, by_value in attrition["by_subgroup"].items():
        for value, a in by_value.items():
            rows.append([group, attribute, value, 1] + [""] * 4 if a.get("suppressed") else
                        [group, attribute, value, 0] + [a[k] for k in keys])


def _figure_rows(tables, where, qid, kind, f):
    if f.get("suppressed"):
        for name in ("distributions", "changes" if kind in ("likert5", "likert7", "scale10") else "tests"):
            tables[name].append(where + [1, qid])
        return
    for survey in ("t1", "t2"):
        for row in f[survey]["values"]:
            tables["distributions"].append(where + [0, qid, survey, row["value"], row["count"], row["share"],
                                                    row.get("weighted_share", "")])
    change = f["change"]
    if kind == "yesno" or kind == "choice":
        tables["tests"].append(where + [0, qid, "mcnemar" if kind == "yesno" else "stuart_maxwell", change["n"],
                                        change["statistic"], change["pvalue"]])
        return
    weighted = change.get("weighted") or {}
    tables["changes"].append(where + [0, qid] + [change[k] for k in (
        "n", "mean_t1", "mean_t2", "mean_change", "ci_low", "ci_high", "t_statistic", "t_pvalue",
        "wilcoxon_statistic", "wilcoxon_pvalue")] + [weighted.get(k, "") for k in (
            "mean_change", "ci_low", "ci_high", "t_pvalue", "design_effect", "effective_n")])


def write_tables(report: dict, directory: Path) -> list[Path]:
    """One CSV per table kind in ``directory`` (created if needed); the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in table_rows(report).items():
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            f.write(csv_lines([_cell(v) for v in row] for row in rows))
        written.append(path)
    return written


def anonymous_label(participant_id, secret: bytes) -> str:
    """A stable label for a participant: the same id and secret always give the same label."""
    digest = hmac.new(secret, str(participant_id).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"


def response_rows(questions: Sequence[Question], groups: dict[str, Sequence[Participant]], *, secret: bytes,
                  attributes: Sequence[str] = ()) -> list[list]:
    """Anonymised responses: label, group, the chosen attributes, question, t1 answer, t2 answer ("" if none).

    Only coarse attributes should be listed (those the report's subgroups use): with fine ones a
    participant may be recognisable despite the label.
    """
    if len(secret) < 16:
        raise ValueError("the anonymisation secret must be at least 16 bytes")
    rows = []
    for group, participants in groups.items():
        for p in participants:
            label = anonymous_label(p.id, secret)
            for q in questions:
                if q.id in p.t1 or (p.t2 and q.id in p.t2):
                    rows.append([label, group] + [p.attributes.get(a, "") for a in attributes]
                                + [q.id, p.t1.get(q.id, ""), "" if p.t2 is None else p.t2.get(q.id, "")])
    order = {q.id: i for i, q in enumerate(questions)}
    rows.sort(key=lambda r: (r[0], order[r[-3]]))
    return [["participant", "group", *attributes, "question", "t1", "t2"]] + rows


def write_responses(path: Path, questions: Sequence[Question], groups: dict[str, Sequence[Participant]], *,
                    secret: bytes, attributes: Sequence[str] = ()) -> Path:
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        f.write(csv_lines(response_rows(questions, groups, secret=secret, attributes=attributes)))
    return Path(path)


def _cell(value):
    if isinstance(value, float):
        return repr(value)
    return value  # csv_lines: no cell runs as a spreadsheet formula
