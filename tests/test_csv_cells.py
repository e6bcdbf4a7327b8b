"""One CSV-cell escaper for every spreadsheet download: no cell starts like a formula (OWASP CSV injection)."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from frontend.spreadsheet import safe_cell, safe_csv_text

FORMULAS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_starts_like_a_formula_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_plain_text_numbers_and_none_are_written_as_they_are():
    assert [safe_cell(v) for v in ("Park", "a=1", -5, 2.5, None, "")] == ["Park", "a=1", -5, 2.5, "", ""]


def test_a_stored_csv_is_re_written_with_every_cell_escaped():
    assert safe_csv_text("id,phone\n=cmd,+8210\n") == "id,phone\n'=cmd,'+8210\n"


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["\t=1+1", "\r=1+1", "=HYPERLINK(1)"])
def test_a_vote_results_csv_escapes_tab_and_carriage_return_too(client, label):
    from tests.voting.factories import cast_all, close, make_vote

    vote = make_vote(labels=(label, "b", "c"))
    cast_all(vote, [[1], [2]])
    text = client.get(reverse("voting:results_csv", args=[close(vote).pk])).content.decode("utf-8-sig")
    labels = [row["label"] for row in csv.DictReader(io.StringIO(text))]
    assert labels[0] == "'" + label


@pytest.mark.django_db
def test_a_draws_people_csv_does_not_re_export_formulas_from_an_imported_pool(client):
    from deliberation.panels import services
    from deliberation.panels.models import Pool, PoolMember
    from tests.factories import AdminFactory

    pool = Pool.objects.create(name="Letters")
    for i in range(6):
        PoolMember.objects.create(pool=pool, person_id=f"=HYPERLINK(\"http://x\",\"{i}\")" if i == 0 else f"p{i}",
                                  source=PoolMember.Source.IMPORT,
                                  attributes={"gender": ["female", "male"][i % 2], "phone": "+8210" if i else "@x"})
    admin = AdminFactory()
    draw = services.prepare_draw(pool=pool, title="J", size=2, algorithm="legacy", actor=admin,
                                 quotas_text="feature,value,min,max\ngender,female,1,1\ngender,male,1,1\n")
    client.force_login(admin)
    text = client.get(reverse("panels:draw_people", args=[draw.pk])).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=HYPERLINK(\"http://x\",\"0\")" in cells and "'+8210" in cells and "'@x" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "=HYPERLINK" in draw.people_csv.splitlines()[1]  # the stored, hashed snapshot is kept verbatim


# Modules that write CSV which is not a spreadsheet download: interchange formats read back byte for byte.
NOT_SPREADSHEETS = {"voting/tally/pabulib.py", "deliberation/panels/sortition/pool.py", "frontend/spreadsheet.py"}


def test_every_module_that_writes_a_csv_download_uses_the_shared_escaper():
    root = Path(settings.BASE_DIR)
    writers = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "bench"} or relative in NOT_SPREADSHEETS:
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(", source):
            writers.append(relative)
            assert "frontend.spreadsheet" in source and "safe_" in source, relative
    # proposals, room record, votes, invitations, juries, polls, survey; the pool and the draw use safe_csv_text
    assert len(writers) >= 7
