"""The one place that answers "may this person do this to this committee (or open call) now?".

Each rule returns ``None`` when allowed, or the reason (translated text) when refused, so views, templates
and services ask the same question and show the same reason. Other governance packages (meetings,
monitoring, dashboard) import ``may_manage_committee``.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Application, Committee, OpenCall
from governance.states import ApplicationState, OpenCallState


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _is_city_staff(user) -> bool:
    return user.is_staff or user.is_city_admin


def may_manage_committee(user, committee: Committee) -> str | None:
    """City admins and staff, the committee's secretariat, and officers of its department manage it."""
    if not _signed_in(user):
        return _("Please sign in to manage this committee.")
    if _is_city_staff(user):
        return None
    if user.is_officer and user.department_id == committee.department_id:
        return None
    if committee.secretaries.filter(pk=user.pk).exists():
        return None
    return _("Only the committee's secretariat, officers of its department and city staff can manage it.")


def may_create_committee(user) -> str | None:
    """City admins and staff create committees for any department; an officer, for their own department."""
    if not _signed_in(user):
        return _("Please sign in to create a committee.")
    if _is_city_staff(user) or user.is_officer:
        return None
    return _("Only department officers and city staff can create committees.")


def may_create_for_department(user, department) -> str | None:
    """An officer creates committees only for their own department."""
    refusal = may_create_committee(user)
    if refusal:
        return refusal
    if _is_city_staff(user) or user.department_id == getattr(department, "pk", None):
        return None
    return _("Officers create committees only for their own department.")


def may_apply(user, call: OpenCall) -> str | None:
    """A signed-in person applies to an open call while it is open, once, unless already a member."""
    if not _signed_in(user):
        return _("Please sign in to apply.")
    now = timezone.now()
    if call.state != OpenCallState.OPEN or not (call.opens_at <= now < call.closes_at):
        return _("This call is not open for applications now.")
    if Application.objects.filter(call=call, applicant=user).exists():
        return _("You have already applied to this call.")
    if call.committee.members.filter(user=user, ended_at__isnull=True).exists():
        return _("You are already a member of this committee.")
    if not user.gender:
        return _("A committee's members are public by gender (its gender balance is a rule): please add your "
                 "gender to your profile before applying.")
    return None


def may_withdraw(user, application: Application) -> str | None:
    """The applicant withdraws a submitted application while the call is open."""
    if not _signed_in(user) or application.applicant_id != user.pk:
        return _("Only the applicant can withdraw this application.")
    if application.state != ApplicationState.SUBMITTED or application.call.state != OpenCallState.OPEN:
        return _("An application can be withdrawn only while the call is open.")
    return None


def may_start_draw(user, committee: Committee) -> str | None:
    """Drawing by lot goes through the panel pipeline, which only city staff run (its public values, its
    invitations): a committee's draw is started by staff who may manage the committee."""
    refusal = may_manage_committee(user, committee)
    if refusal:
        return refusal
    if not _is_city_staff(user):
        return _("Only city staff draw members by lot (the draw's public values and invitations are theirs).")
    return None
