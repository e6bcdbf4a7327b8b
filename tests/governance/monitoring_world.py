"""The people and items the monitoring tests share: a department with an answered item, pool members."""

from dataclasses import dataclass

from deliberation.panels import services as panel_services
from governance.models import Monitor
from governance.monitoring import services
from proposals.models import FollowUp
from tests.factories import AdminFactory, DepartmentFactory, FollowUpFactory, OfficerFactory, ResidentFactory


def pool_member(**fields):
    user = ResidentFactory(district=fields.pop("district", "mapo"), gender="female", birth_year=1980, **fields)
    panel_services.volunteer(user=user, answers={})
    return user


def monitor_of(user=None) -> Monitor:
    return services.volunteer(user=user or pool_member())


def answered_item(department=None, **fields) -> FollowUp:
    item = FollowUpFactory(answered=True, **fields)
    if department is not None:
        item.department = department
        item.save(update_fields=["department"])
    return item


@dataclass
class World:
    department: object
    item: FollowUp
    staff: object
    officer: object
    other_officer: object
    citizen: object
    monitor: Monitor
    assigned: Monitor


def world() -> World:
    department = DepartmentFactory(code="transport")
    item = answered_item(department)
    staff = AdminFactory()
    assigned = monitor_of()
    services.assign(actor=staff, monitor=assigned, follow_up=item)
    return World(department=department, item=item, staff=staff,
                 officer=OfficerFactory(department=department),
                 other_officer=OfficerFactory(department=DepartmentFactory(code="welfare")),
                 citizen=ResidentFactory(), monitor=monitor_of(), assigned=assigned)
