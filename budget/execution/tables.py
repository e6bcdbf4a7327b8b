"""The cycle page's table of funded projects, written in Python rather than by a template loop (as
governance/dashboard/charts.py writes its bars): a few hundred rows of six cells made the loop (each variable
resolved, localised and escaped, each label translated again) most of the page's time
(docs/budget.md "Speed"). Everything a person or staff typed is escaped here."""

from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def funded_rows(rows: list[dict]) -> SafeString:
    whole_city = esc(_("Whole city"))
    over_cost = esc(_("over the decided cost"))
    overdue = esc(pgettext("budget project", "overdue"))
    report = esc(pgettext("link to write an execution report", "Report"))
    stages: dict[str, str] = {}
    out = []
    for r in rows:
        title = esc(r["title"])
        name = f'<a href="{esc(r["url"])}">{title}</a>' if r["url"] else title
        stage = stages.get(r["execution_stage"])
        if stage is None:
            stage = stages[r["execution_stage"]] = esc(str(r["stage_label"]))
        place = esc(str(r["district_label"])) if r["district_label"] else whole_city
        if r["location"]:
            place += f'<br><span class="hint" data-place>{esc(r["location"])}</span>'
        spent = f'{r["spent_shown"]} <span class="hint">({r["percent_spent"]}%)</span>'
        if r["over_cost"]:
            spent += f' <span class="badge overdue">{over_cost}</span>'
        if r["overdue"]:
            stage_cell = f'{stage} <span class="badge overdue" data-testid="overdue">{overdue}</span>'
        else:
            stage_cell = stage
        if r.get("report_url"):
            stage_cell += f' <a class="button small" href="{esc(r["report_url"])}" data-testid="report-link">{report}</a>'
        out.append(f'<tr id="project-{r["pk"]}" data-project="{r["pk"]}"><th scope="row">{name}</th>'
                   f'<td>{esc(r["field"])}</td><td>{place}</td><td>{r["decided_shown"]}</td><td>{spent}</td>'
                   f'<td>{stage_cell}</td></tr>')
    return mark_safe("\n".join(out))
