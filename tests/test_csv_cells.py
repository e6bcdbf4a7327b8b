"""One CSV helper for every spreadsheet download (frontend.spreadsheet.csv_response): a BOM, and no cell starts
like a formula (OWASP CSV injection)."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from frontend.spreadsheet import csv_response, safe_cell, stored_csv_response

FORMULAS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_starts_like_a_formula_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_plain_text_numbers_and_none_are_written_as_they_are():
    assert [safe_cell(v) for v in ("Park", "a=1", -5, 2.5, None, "")] == ["Park", "a=1", -5, 2.5, "", ""]


def test_a_stored_csv_is_re_written_with_every_cell_escaped():
    assert stored_csv_response("x.csv", "id,phone\n=cmd,+8210\n").content.decode() == "\ufeffid,phone\r\n'=cmd,'+8210\r\n"


def test_a_csv_download_starts_with_a_bom_and_escapes_the_header_and_every_row():
    response = csv_response("votes.csv", ["=id", "label"], [[1, "=1+1"], [-2, None]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="votes.csv"'
    assert response.content.decode() == "\ufeff'=id,label\r\n1,'=1+1\r\n-2,\r\n"


def _cells(response) -> list[str]:
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]


@pytest.mark.django_db
def test_a_jurys_ballots_csv_escapes_an_option_that_starts_like_a_formula(client, settings):
    from tests.factories import make_jury, vote_all

    settings.JURY_MIN_SIZE = 2
    jury, _facilitator, people = make_jury(rule="ranked", options=["=1+1", "@SUM(A1)", "C"], stage="verdict")
    verdict = vote_all(jury, people, [["=1+1", "C"], ["@SUM(A1)"], ["=1+1"]])
    cells = _cells(client.get(reverse("juries:jury_ballots", args=[jury.pk, verdict.number])))
    assert "'=1+1" in cells and "'@SUM(A1)" in cells and "=1+1" not in cells


@pytest.mark.django_db
def test_a_deliberative_polls_csv_downloads_escape_a_cell_that_starts_like_a_formula(client, monkeypatch):
    from deliberation.deliberative_polls import selectors as dpoll_selectors, services as dpoll_services
    from tests.factories import FacilitatorFactory

    manager = FacilitatorFactory()
    poll = dpoll_services.create_dpoll(actor=manager, title="Night buses")
    monkeypatch.setattr(dpoll_selectors, "dpoll_anonymous_responses",
                        lambda poll: [["participant", "question", "t1"], ["P-1", "q1", "=HYPERLINK(1)"]])
    client.force_login(manager)
    cells = _cells(client.get(reverse("deliberative_polls:dpoll_responses_csv", args=[poll.pk])))
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells


@pytest.mark.django_db
def test_invitation_letters_escape_an_imported_person_id_that_starts_like_a_formula(client):
    from deliberation.panels.models import Invitation
    from tests.factories import AdminFactory, DrawnDrawFactory, send_invitations

    admin = AdminFactory()
    draw = DrawnDrawFactory(created_by=admin)
    send_invitations(draw)
    Invitation.objects.filter(pk=draw.invitations.order_by("seat").first().pk).update(person_id="=HYPERLINK(1)")
    client.force_login(admin)
    cells = _cells(client.get(reverse("panels:invitation_letters", args=[draw.pk])))
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells


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
    text = client.get(reverse("panels:draw_people", args=[draw.pk])).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=HYPERLINK(\"http://x\",\"0\")" in cells and "'+8210" in cells and "'@x" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "=HYPERLINK" in draw.people_csv.splitlines()[1]  # the stored, hashed snapshot is kept verbatim


# Modules that write CSV which is not a spreadsheet download: interchange formats read back byte for byte.
NOT_SPREADSHEETS = {"voting/tally/pabulib.py", "deliberation/panels/sortition/pool.py", "frontend/spreadsheet.py"}


def test_every_module_that_writes_a_csv_download_uses_the_shared_helper():
    root = Path(settings.BASE_DIR)
    writers = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "bench"} or relative in NOT_SPREADSHEETS:
            continue
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"csv\.(writer|DictWriter)\(", source), f"{relative}: write it with frontend.spreadsheet"
        if re.search(r"\bcsv_(response|text|lines)\b|stored_csv_response", source):
            writers.append(relative)
            assert "frontend.spreadsheet" in source, relative
    # proposals, room record, votes, invitations/pool/draw (panels), juries, polls, survey
    assert len(writers) >= 7, writers
