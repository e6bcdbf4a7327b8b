"""A committee's composition against its rules (ordinary citizens' share, no gender above 60 % of appointed
members), flagged in public on its page and in the list; the dashboard's figures."""

import pytest
from django.urls import reverse

from governance.committees import selectors
from governance.models import Committee
from tests.governance.factories import CommitteeFactory, MemberFactory

pytestmark = pytest.mark.django_db


def seat(committee, genders, category="expert", **fields):
    return [MemberFactory(committee=committee, gender=g, category=category, **fields) for g in genders]


def test_a_committee_within_its_rules():
    committee = CommitteeFactory(min_citizen_share=50)
    seat(committee, ["female", "male"], category="citizen")
    seat(committee, ["female", "male"])
    result = selectors.composition(committee)
    assert (result.total, result.citizen_share, result.largest_gender_share) == (4, 50.0, 50.0)
    assert result.broken == []


def test_more_than_60_percent_of_one_gender_among_appointed_members_is_flagged():
    committee = CommitteeFactory()
    seat(committee, ["male", "male", "male", "male", "female"])  # 80 % men
    result = selectors.composition(committee)
    assert result.largest_gender_share == 80.0
    assert len(result.broken) == 1 and "80" in result.broken[0] and "60" in result.broken[0]


def test_exactly_60_percent_keeps_the_rule():
    committee = CommitteeFactory()
    seat(committee, ["male", "male", "male", "female", "female"])
    assert selectors.composition(committee).broken == []


def test_ex_officio_officials_do_not_count_among_appointed_members():
    committee = CommitteeFactory()
    seat(committee, ["male", "female"])
    seat(committee, ["male", "male", "male"], category="official")
    result = selectors.composition(committee)
    assert (result.appointed, result.largest_gender_share, result.broken) == (2, 50.0, [])


def test_ended_members_do_not_count_and_a_short_citizen_share_is_flagged():
    committee = CommitteeFactory(min_citizen_share=50)
    seat(committee, ["female"], category="citizen")
    seat(committee, ["male", "female"])
    from django.utils import timezone
    seat(committee, ["female", "male"], category="citizen", ended_at=timezone.now(), end_reason="left")
    result = selectors.composition(committee)
    assert result.total == 3 and result.citizen_share == 33.3
    assert any("33.3" in line and "50" in line for line in result.broken)


def test_an_empty_committee_breaks_no_rule():
    assert selectors.composition(CommitteeFactory(min_citizen_share=50)).broken == []


def test_outside_its_rules_is_shown_on_the_page_and_in_the_list(client):
    good, bad = CommitteeFactory(), CommitteeFactory()
    seat(good, ["male", "female"])
    seat(bad, ["male", "male", "male"])
    page = client.get(reverse("committees:detail", args=[bad.slug])).content.decode()
    assert 'data-testid="outside-rules"' in page and 'data-testid="broken-rule"' in page
    assert 'data-testid="outside-rules"' not in client.get(reverse("committees:detail", args=[good.slug])).content.decode()
    listing = client.get(reverse("committees:list")).content.decode()
    row = listing.split(f'data-slug="{bad.slug}"')[1].split("</tr>")[0]
    assert 'data-testid="outside-rules"' in row
    good_row = listing.split(f'data-slug="{good.slug}"')[1].split("</tr>")[0]
    assert 'outside-rules' not in good_row


def test_list_filters_by_kind_department_and_agenda(client):
    statutory = CommitteeFactory(legal_status=Committee.LegalStatus.STATUTORY, function=Committee.Function.ADVISORY)
    agenda = CommitteeFactory(legal_status=Committee.LegalStatus.NON_STATUTORY, function=Committee.Function.CITIZEN,
                              is_agenda_committee=True, policy="Night buses")
    def slugs(**query):
        response = client.get(reverse("committees:list"), query)
        assert response.status_code == 200
        return {c.slug for c in response.context["committees"]}
    assert slugs(legal_status="statutory") == {statutory.slug}
    assert slugs(function="citizen") == {agenda.slug}
    assert slugs(agenda="yes") == {agenda.slug}
    assert slugs(department=str(statutory.department_id)) == {statutory.slug}
    assert slugs(legal_status="nonsense", department="x") == {statutory.slug, agenda.slug}


def test_dashboard_figures():
    a = CommitteeFactory(legal_status="statutory", function="advisory")
    b = CommitteeFactory(legal_status="non_statutory", function="citizen", is_agenda_committee=True, policy="p")
    seat(a, ["male", "male", "male"])  # outside the gender rule
    seat(b, ["female", "male"], category="citizen")
    seat(b, ["male"], category="official")
    counts = selectors.counts_by_kind()
    assert counts["total"] == 2 and counts["legal_status"]["statutory"] == 1 and counts["agenda"] == 1
    assert counts["function"]["citizen"] == 1
    share = selectors.citizen_share()
    assert (share["members"], share["citizens"], share["share"]) == (6, 2, 33.3)
    balance = selectors.gender_balance()
    assert balance["by_gender"] == {"female": 1, "male": 4, "other": 0}
    assert balance["shares"]["male"] == 80.0 and balance["committees_outside_gender_rule"] == 1
    assert selectors.committees_outside_rules() == 1
