"""Factories for governance (issue 15). Committees: a committee, its members, an open call."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from governance.models import Committee, Member, OpenCall
from governance.states import MemberCategory, MemberRoute, OpenCallState
from tests.factories import DepartmentFactory


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"위원회 {n}")
    name_en = factory.Sequence(lambda n: f"Committee {n}")
    slug = factory.Sequence(lambda n: f"committee-{n}")
    legal_status = Committee.LegalStatus.STATUTORY
    function = Committee.Function.ADVISORY
    department = factory.SubFactory(DepartmentFactory)
    mandate = "Advises the city on night transport."
    term_start = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    size = 10


class MemberFactory(factory.django.DjangoModelFactory):
    """An appointed member (no application or invitation on the record)."""

    class Meta:
        model = Member

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"Member {n}")
    category = MemberCategory.EXPERT
    gender = "female"
    term_start = factory.LazyFunction(date.today)
    route = MemberRoute.APPOINTED
    route_note = "Appointed for their expertise."


class OpenCallFactory(factory.django.DjangoModelFactory):
    """An open call open now (state ``open``, window around now) unless told otherwise."""

    class Meta:
        model = OpenCall

    committee = factory.SubFactory(CommitteeFactory)
    title = "Citizen members wanted"
    description = "Two residents who ride night buses."
    seats = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    state = OpenCallState.OPEN
