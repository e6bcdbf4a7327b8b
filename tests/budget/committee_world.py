"""A budget cycle in its committee deliberation, for the committee's tests: a budget committee with
members seated on two field sub-committees (each with its live room), eligible projects in each field,
an officer of the first field's department, staff and a plain citizen."""

from types import SimpleNamespace

from budget.committee import services
from budget.states import CycleStage, ProjectState
from governance.models import Member
from tests.budget.factories import make_cycle, make_project
from tests.factories import FacilitatorFactory, OfficerFactory, UserFactory
from tests.governance.factories import CommitteeFactory, MemberFactory


def seat(committee, *, chair: bool = False) -> Member:
    return MemberFactory(committee=committee, user=UserFactory(), is_chair=chair)


def world(*, stage: str = CycleStage.DELIBERATION, **cycle_fields) -> SimpleNamespace:
    committee = CommitteeFactory(size=30)
    cycle = make_cycle(stage=stage, committee=committee, **cycle_fields)
    field1, field2 = list(cycle.fields.order_by("position"))
    staff = UserFactory(is_staff=True)
    facilitator = FacilitatorFactory()
    sc1 = services.create_sub_committee(cycle=cycle, field=field1, actor=staff, facilitator=facilitator)
    sc2 = services.create_sub_committee(cycle=cycle, field=field2, actor=staff, facilitator=facilitator)
    member1, chair, member2 = seat(committee), seat(committee, chair=True), seat(committee)
    services.assign_members(sub_committee=sc1, actor=staff, members=[member1, chair])
    services.assign_members(sub_committee=sc2, actor=staff, members=[member2])
    p1 = make_project(cycle=cycle, field=field1, state=ProjectState.ELIGIBLE, title="은행나무 벤치",
                      cost=40_000_000)
    p2 = make_project(cycle=cycle, field=field1, state=ProjectState.ELIGIBLE, title="골목 가로등",
                      cost=60_000_000)
    p3 = make_project(cycle=cycle, field=field2, state=ProjectState.ELIGIBLE, title="어린이 도서관",
                      cost=80_000_000)
    p4 = make_project(cycle=cycle, field=field2, state=ProjectState.ELIGIBLE, title="마을 텃밭", cost=20_000_000)
    return SimpleNamespace(
        cycle=cycle, committee=committee, field1=field1, field2=field2, sc1=sc1, sc2=sc2, staff=staff,
        facilitator=facilitator, member1=member1, chair=chair, member2=member2, p1=p1, p2=p2, p3=p3, p4=p4,
        officer=OfficerFactory(department=field1.department), citizen=UserFactory())
