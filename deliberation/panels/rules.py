"""Who may join the pool and who runs draws."""

from django.utils.translation import gettext as _

from accounts.districts import district_group


def refuse_volunteer(user) -> str | None:
    """Why ``user`` may not join the standing pool; None when they may."""
    if not user.is_authenticated:
        return _("Please sign in to join the citizen pool.")
    if not user.is_verified_resident:
        return _("Only verified residents can join the citizen pool. Ask for verification on your profile page.")
    missing = [label for label, value in ((_("district"), district_group(user.district)),
                                          (_("birth year"), user.birth_year), (_("gender"), user.gender)) if not value]
    if missing:
        return _("Add your %(fields)s to your profile first: panels are balanced by them.") % {
            "fields": ", ".join(str(m) for m in missing)}
    return None


def may_run_draws(user) -> bool:
    """Staff and city admins prepare draws, draw them and import pools."""
    return user.is_authenticated and (user.is_staff or user.is_city_admin)
