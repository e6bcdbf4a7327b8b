"""The draw's pages over HTTP: who may prepare and draw, the public record, the files, bad input kept."""

import pytest
from django.urls import reverse

from deliberation.panels import services
from deliberation.panels.rules import PERSON_BY_PERSON_LIMIT, default_algorithm, may_use_algorithm
from deliberation.panels.models import Draw
from tests.imports import job_of
from tests.factories import AdminFactory, FacilitatorFactory, ModeratorFactory, OfficerFactory, ResidentFactory
from tests.factories import POOL_QUOTAS as QUOTAS, standing_pool as _pool

pytestmark = pytest.mark.django_db

ROLES = {"anonymous": None, "resident": ResidentFactory, "moderator": ModeratorFactory, "officer": OfficerFactory,
         "facilitator": FacilitatorFactory, "staff": AdminFactory}


def _draw(state="published"):
    draw = services.prepare_draw(pool=_pool(), title="Jury", size=4, quotas_text=QUOTAS, actor=AdminFactory(),
                                 algorithm="legacy")
    if state == "drawn":
        draw = services.perform_draw(draw=draw, public_values="9319/2 5 8 10 12", actor=AdminFactory())
    return draw


@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what_with_draws(client, role):
    draw = _draw()
    if ROLES[role]:
        client.force_login(ROLES[role]())
    staff = role == "staff"
    listing = client.get(reverse("panels:draws"))  # the list of published draws is public (issue 13)
    assert listing.status_code == 200
    assert reverse("panels:draw", args=[draw.pk]) in listing.content.decode()
    assert ('id="new-draw-title"' in listing.content.decode()) is staff  # preparing a draw is staff's
    prepared = client.post(reverse("panels:draws"), {"title": "Sneaky", "size": "4", "quotas": QUOTAS,
                                                     "algorithm": "legacy"})
    assert prepared.status_code == (302 if staff or role == "anonymous" else 403)
    assert Draw.objects.filter(title="Sneaky").exists() is staff
    assert client.get(reverse("panels:draw", args=[draw.pk])).status_code == 200  # the record is public
    assert client.get(reverse("panels:draw_quotas", args=[draw.pk])).status_code == 200
    people = client.get(reverse("panels:draw_people", args=[draw.pk]))
    assert people.status_code == (200 if staff else 403)
    performed = client.post(reverse("panels:draw_perform", args=[draw.pk]), {"public_values": "1/2"})
    assert performed.status_code == (302 if staff or role == "anonymous" else 403)
    draw.refresh_from_db()
    assert draw.state == ("drawn" if staff else "published")


def test_the_public_list_shows_published_and_drawn_draws_only_and_says_anyone_can_check(client):
    published, drawn = _draw(), _draw("drawn")
    preparing = Draw.objects.create(pool=published.pool, title="Still computing", size=4, algorithm="maximin",
                                    people_csv="", quotas_csv="", pool_hash="x", quotas_hash="y")
    client.force_login(ResidentFactory())
    page = client.get(reverse("panels:draws")).content.decode()
    assert 'data-testid="anyone-can-check"' in page
    for draw in (published, drawn):
        assert reverse("panels:draw", args=[draw.pk]) in page
    assert reverse("panels:draw", args=[preparing.pk]) not in page


def test_staff_prepare_and_draw_and_the_public_record_shows_the_hashes_not_the_people(client):
    _pool()
    client.force_login(AdminFactory())
    page = client.get(reverse("panels:draws")).content.decode()
    assert 'data-testid="algorithm-why"' in page and "maximin" in page
    response = client.post(reverse("panels:draws"), {"title": "Night buses jury", "size": "4",
                                                           "quotas": QUOTAS, "algorithm": "legacy"})
    draw = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("panels:draw", args=[draw.pk])
    client.post(reverse("panels:draw_perform", args=[draw.pk]), {"public_values": "9319/2 5 8 10 12"})
    draw.refresh_from_db()
    assert draw.state == "drawn"
    client.logout()
    record = client.get(reverse("panels:draw", args=[draw.pk])).content.decode()
    assert draw.pool_hash in record and "9319./2.5.8.10.12./" in record
    assert 'data-testid="selected"' not in record
    assert reverse("panels:draw_people", args=[draw.pk]) not in record


def test_infeasible_quotas_come_back_with_the_reason_and_what_was_typed(client):
    _pool()
    client.force_login(AdminFactory())
    quotas = QUOTAS.replace("gender,female,2,2", "gender,female,8,8")
    response = client.post(reverse("panels:draws"), {"title": "Kept title", "size": "4", "quotas": quotas,
                                                           "algorithm": "legacy"}, headers={"Accept-Language": "en"})
    page = response.content.decode()
    assert response.status_code == 200 and not Draw.objects.exists()
    assert "only 6 people in the pool have it" in page and "Kept title" in page and "gender,female,8,8" in page


def test_bad_public_values_are_refused_and_the_draw_stays_published(client):
    draw = _draw()
    client.force_login(AdminFactory())
    client.post(reverse("panels:draw_perform", args=[draw.pk]), {"public_values": "not numbers"})
    draw.refresh_from_db()
    assert draw.state == "published" and draw.selected == []


def test_every_pool_size_gets_maximin_by_default_and_person_by_person_stops_at_its_limit():
    # Issue 14: before, pools over 1,500 got the legacy algorithm.
    for size in (150, PERSON_BY_PERSON_LIMIT, PERSON_BY_PERSON_LIMIT + 1, 5000, 100_000):
        algorithm, why = default_algorithm(size)
        assert algorithm == "maximin" and "profiles" in why
    assert may_use_algorithm("maximin-people", PERSON_BY_PERSON_LIMIT)
    assert not may_use_algorithm("maximin-people", PERSON_BY_PERSON_LIMIT + 1)
    assert may_use_algorithm("maximin", 100_000) and may_use_algorithm("legacy", 100_000)


IMPORTED = ("person,gender,zone,housing\n" + "".join(
    f"p{i},{'female' if i % 2 else 'male'},{['east', 'west'][i % 3 == 0]},{['owner', 'tenant'][i % 2]}\n"
    for i in range(1, 21)))
IMPORTED_QUOTAS = "feature,value,min,max\ngender,female,3,3\ngender,male,3,3\nzone,east,2,5\nzone,west,1,4\n"


def test_a_pool_imported_from_csv_is_separate_and_drawn_from_with_its_own_columns(client, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from deliberation.panels.models import Pool

    _pool()  # the standing pool exists and is not touched
    client.force_login(AdminFactory())
    upload = SimpleUploadedFile("people.csv", IMPORTED.encode(), content_type="text/csv")
    response = client.post(reverse("panels:pool_import"), {"name": "Letter 2027", "file": upload})
    assert not Pool.objects.filter(name="Letter 2027").exists()  # the web request only queues the file
    job = job_of(response)
    assert (job.state, job.rows_done, job.rows_total, job.chunks.count()) == ("done", 20, 20, 0)
    imported = Pool.objects.get(name="Letter 2027")
    assert imported.standing is False and imported.members.count() == 20
    assert services.standing_pool().members.count() == 12
    client.post(reverse("panels:draws"), {"pool": imported.pk, "title": "Letter jury", "size": "6",
                                               "quotas": IMPORTED_QUOTAS, "algorithm": "legacy"})
    draw = Draw.objects.get(pool=imported)
    assert draw.people_csv.splitlines()[0] == "id,gender,housing,zone"
    client.post(reverse("panels:draw_perform", args=[draw.pk]), {"public_values": "3/1 4 1 5"})
    draw.refresh_from_db()
    (tmp_path / "p.csv").write_text(IMPORTED)
    (tmp_path / "q.csv").write_text(IMPORTED_QUOTAS)
    out = io.StringIO()
    call_command("draw", str(tmp_path / "p.csv"), str(tmp_path / "q.csv"), "--size", "6", "--seed", "3/1 4 1 5",
                 "--algorithm", "legacy", stdout=out)
    assert sorted(draw.selected) == sorted(out.getvalue().split())  # the original file gives the same panel


@pytest.mark.parametrize("text, message", [
    ("person,gender\np1,female\np1,male\n", "the id “p1” is already on line 2"),
    ("person,gender\n,female\n", "the id is empty"),
    ("person,gender\n", "no people in the file"),
])
def test_a_pool_file_that_cannot_be_read_is_refused_with_its_line_and_nothing_is_stored(client, text, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deliberation.panels.models import Pool

    client.force_login(AdminFactory())
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("panels:pool_import"), {"name": "Broken", "file": upload},
                           headers={"Accept-Language": "en"})
    job = job_of(response)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert job.state == "failed" and message in page and 'http-equiv="refresh"' not in page
    assert not Pool.objects.filter(name="Broken").exists()


@pytest.mark.parametrize("role", ["anonymous", "resident", "moderator"])
def test_only_staff_import_pools(client, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deliberation.panels.models import Pool

    if ROLES[role]:
        client.force_login(ROLES[role]())
    upload = SimpleUploadedFile("people.csv", IMPORTED.encode(), content_type="text/csv")
    response = client.post(reverse("panels:pool_import"), {"name": "X", "file": upload})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not Pool.objects.filter(name="X").exists()


def test_the_public_quotas_file_hashes_to_the_published_hash_even_with_a_cell_a_spreadsheet_would_run(client):
    """Anyone re-runs a published draw from QUOTAS.csv and checks it against the hash on the record: an
    escaped download (a quota value "-" became "'-") no longer matched it."""
    import hashlib

    draw = _draw()
    Draw.objects.filter(pk=draw.pk).update(quotas_csv=draw.quotas_csv + "district,-,0,4\n")
    draw.refresh_from_db()
    Draw.objects.filter(pk=draw.pk).update(quotas_hash=hashlib.sha256(draw.quotas_csv.encode()).hexdigest())
    draw.refresh_from_db()
    body = client.get(reverse("panels:draw_quotas", args=[draw.pk])).content
    assert hashlib.sha256(body).hexdigest() == draw.quotas_hash


def test_the_jury_and_the_deliberative_poll_link_the_record_of_their_draw(client, settings):
    from deliberation.deliberative_polls.models import DeliberativePoll
    from deliberation.juries.models import Jury
    from tests.factories import make_jury, make_poll

    settings.JURY_MIN_SIZE = 2
    draw = _draw("drawn")
    jury, _facilitator, _people = make_jury()
    Jury.objects.filter(pk=jury.pk).update(draw=draw)
    poll = make_poll()[0]
    DeliberativePoll.objects.filter(pk=poll.pk).update(draw=draw, state="published")
    record = reverse("panels:draw", args=[draw.pk])
    for page in (reverse("juries:jury", args=[jury.pk]), reverse("deliberative_polls:dpoll_report", args=[poll.pk]),
                 reverse("deliberative_polls:dpolls")):
        text = client.get(page).content.decode()
        assert 'data-testid="draw-link"' in text and record in text, page


def test_the_lot_librarys_own_words_are_folded_away_for_staff_only(client):
    draw = _draw()
    detail = "SELECTION IMPOSSIBLE: Not enough people remaining in gender/female. Need 1 more, but only 0 remaining."
    for viewer, shown in ((None, False), (ResidentFactory(), False), (AdminFactory(), True)):
        if viewer:
            client.force_login(viewer)
        session = client.session
        session[f"draw_error_detail_{draw.pk}"] = detail  # what draw_perform keeps when the library refuses
        session.save()
        page = client.get(reverse("panels:draw", args=[draw.pk]), headers={"Accept-Language": "ko"}).content.decode()
        assert ('data-testid="draw-error-detail"' in page) is shown and ("SELECTION IMPOSSIBLE" in page) is shown
        client.logout()

