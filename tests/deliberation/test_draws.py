"""A draw on the record: inputs fixed from the pool, the maximin distribution published before the public
values, the panel picked once, re-checkable with `manage.py draw` on the stored files, never redrawn."""

import io
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from deliberation.panels import services
from deliberation.panels.models import Draw, PoolMember
from deliberation.panels.services.draws import DrawError
from deliberation.panels.sortition import ProfileDistribution, read_people, read_quotas
from tests.factories import POOL_QUOTAS as QUOTAS, AdminFactory, ResidentFactory, standing_pool as _pool

pytestmark = pytest.mark.django_db

def _recount(draw: Draw, algorithm: str, tmp_path) -> list[str]:
    """What anyone gets from the published files with the published public values."""
    people, quotas = tmp_path / "people.csv", tmp_path / "quotas.csv"
    people.write_text(draw.people_csv)
    quotas.write_text(draw.quotas_csv)
    out = io.StringIO()
    call_command("draw", str(people), str(quotas), "--size", str(draw.size), "--seed", draw.public_values,
                 "--algorithm", algorithm, stdout=out)
    return sorted(out.getvalue().split())


def test_a_legacy_draw_is_published_at_once_drawn_once_and_anyone_gets_the_same_panel(tmp_path):
    pool, admin = _pool(), AdminFactory()
    draw = services.prepare_draw(pool=pool, title="Night buses jury", size=4, quotas_text=QUOTAS, actor=admin,
                                 algorithm="legacy")
    assert draw.state == "published" and draw.published_at is not None and len(draw.pool_hash) == 64
    draw = services.perform_draw(draw=draw, public_values="9319/2 5 8 10 12", actor=admin)
    assert draw.state == "drawn" and len(draw.selected) == 4
    assert draw.key == "9319./2.5.8.10.12./"
    assert sorted(draw.selected) == _recount(draw, "legacy", tmp_path)
    with pytest.raises(DrawError) as again, translation.override("en"):
        services.perform_draw(draw=draw, public_values="1/2", actor=admin)
    assert "stays as it is" in again.value.messages[0]
    draw.refresh_from_db()
    assert draw.public_values == "9319/2 5 8 10 12"


def test_a_maximin_draw_publishes_its_distribution_first_and_the_public_values_pick_from_it(
        tmp_path, django_capture_on_commit_callbacks):
    pool, admin = _pool(), AdminFactory()
    with django_capture_on_commit_callbacks(execute=True):  # the job runs after the commit (a worker in production)
        draw = services.prepare_draw(pool=pool, title="Climate jury", size=4, quotas_text=QUOTAS, actor=admin)
        assert draw.state == "preparing"
    draw.refresh_from_db()
    assert draw.state == "published" and draw.distribution and draw.selected == []
    assert sum(draw.distribution["weights"]) == pytest.approx(10**9, rel=1e-6)
    assert draw.algorithm == "maximin" and draw.distribution["method"] == "profiles" and draw.chances is None
    distribution = ProfileDistribution.from_record(draw.distribution)
    assert min(distribution.chances()) == pytest.approx(4 / 12, abs=0.01)  # everyone the same chance here
    draw = services.perform_draw(draw=draw, public_values="17/3 9 21", actor=admin)
    counts = Counter(tuple(people[p][f] for f in distribution.features)
                     for people in [read_people(draw.people_csv, read_quotas(draw.quotas_csv)).people]
                     for p in draw.selected)
    assert [counts[profile] for profile in distribution.profiles] == list(distribution.panels[draw.panel_index])
    assert sorted(draw.selected) == _recount(draw, "maximin", tmp_path)


def test_quotas_that_cannot_be_met_are_explained_and_nothing_is_stored():
    pool, admin = _pool(), AdminFactory()
    with pytest.raises(DrawError) as refused, translation.override("en"):
        services.prepare_draw(pool=pool, title="Too many women", size=4, actor=admin, algorithm="legacy",
                              quotas_text=QUOTAS.replace("gender,female,2,2", "gender,female,8,8"))
    assert any("at least 8 with gender=female, but only 6 people in the pool have it (2 short)" in line
               for line in refused.value.messages)
    assert not Draw.objects.exists()


def test_a_changed_input_is_a_new_draw_that_names_the_one_it_replaces():
    pool, admin = _pool(), AdminFactory()
    first = services.prepare_draw(pool=pool, title="Jury", size=4, quotas_text=QUOTAS, actor=admin,
                                  algorithm="legacy")
    services.perform_draw(draw=first, public_values="5/6", actor=admin)
    PoolMember.objects.filter(pk=PoolMember.objects.first().pk).update(active=False)  # someone left
    second = services.prepare_draw(pool=pool, title="Jury", size=4, quotas_text=QUOTAS, actor=admin,
                                   algorithm="legacy", supersedes=first)
    assert second.pk != first.pk and second.supersedes_id == first.pk and second.pool_hash != first.pool_hash
    first.refresh_from_db()
    assert first.state == "drawn"  # the first draw's record is untouched


@pytest.mark.parametrize("who", ["resident", "moderator"])
def test_only_staff_draw(who):
    from tests.factories import ModeratorFactory

    pool = _pool()
    actor = ResidentFactory() if who == "resident" else ModeratorFactory()
    with pytest.raises(PermissionDenied):
        services.prepare_draw(pool=pool, title="x", size=4, quotas_text=QUOTAS, actor=actor, algorithm="legacy")
    draw = services.prepare_draw(pool=pool, title="x", size=4, quotas_text=QUOTAS, actor=AdminFactory(),
                                 algorithm="legacy")
    with pytest.raises(PermissionDenied):
        services.perform_draw(draw=draw, public_values="1/2", actor=actor)


def test_a_draw_left_preparing_by_a_stopped_worker_is_computed_when_a_worker_starts():
    from deliberation.tasks import resume_draw_jobs

    draw = services.prepare_draw(pool=_pool(), title="Jury", size=4, quotas_text=QUOTAS, actor=AdminFactory())
    assert Draw.objects.get(pk=draw.pk).state == "preparing"  # its job never ran (the commit hook is not run here)
    assert resume_draw_jobs() == 1  # what every worker does on start (eager here)
    draw.refresh_from_db()
    assert draw.state == "published" and draw.distribution
    assert resume_draw_jobs() == 0


def test_the_maximin_job_keeps_its_last_progress_report_and_the_page_says_it_in_words(
        client, django_capture_on_commit_callbacks):
    from deliberation.panels import selectors

    pool, admin = _pool(), AdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        draw = services.prepare_draw(pool=pool, title="Climate jury", size=4, quotas_text=QUOTAS, actor=admin)
    draw.refresh_from_db()
    assert draw.state == "published"
    assert draw.progress["phase"] in ("covering", "maximin_optimization") and "at" in draw.progress
    assert selectors.draw_progress(draw) is None  # only while the job runs
    Draw.objects.filter(pk=draw.pk).update(state="preparing", progress={
        "phase": "maximin_optimization", "current": 7, "total": None, "at": "2026-11-26T00:00:00+00:00"})
    page = client.get(f"/draws/{draw.pk}/")
    assert "iteration 7" in page.content.decode()
    Draw.objects.filter(pk=draw.pk).update(progress={"phase": "multiplicative_weights", "current": 3, "total": 40})
    assert "round 3 of 40" in client.get(f"/draws/{draw.pk}/").content.decode()
    Draw.objects.filter(pk=draw.pk).update(progress={"phase": "covering", "current": 5, "total": 12})
    assert "5 of 12 profiles" in client.get(f"/draws/{draw.pk}/").content.decode()
