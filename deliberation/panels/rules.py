"""Who may join the pool and who runs draws, and which algorithm a pool of a given size is offered."""

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


def may_perform_draw(user, draw) -> bool:
    """The draw's page offers the draw itself once its inputs are published, to those who run draws."""
    return draw.state == draw.State.PUBLISHED and may_run_draws(user)


# Maximin over profiles (the default) grows with the number of profiles, not with the pool: 100,000 people
# with a panel of 300 took 1.4 s here (docs/benchmarks.md, "Drawing by lot"). Maximin person by person (the
# library's, which the one-person-per-household check needs) took 256-383 s at 1,500 people for 24 seats and
# grows with the square of the pool: above this many people it is not offered.
PERSON_BY_PERSON_LIMIT = 1500


def default_algorithm(pool_size: int) -> tuple[str, str]:
    """The algorithm a pool of this size gets, and why (shown on the page, household check included)."""
    why = _("maximin: every person's chance is as equal as the quotas allow. It is computed over profiles (people "
            "with the same value of every quota attribute have the same chance), so its time depends on the "
            "number of profiles, not on the pool: seconds, even for 100,000 people.")
    if pool_size <= PERSON_BY_PERSON_LIMIT:
        return "maximin", why + " " + _("With one person per household, people of a profile no longer count the "
                                        "same, so maximin runs person by person: minutes for a pool of this size.")
    return "maximin", why + " " + _("With one person per household, maximin would run person by person, which "
                                    "does not finish for a pool over 1,500: choose the simple stratified draw then.")


def may_use_algorithm(algorithm: str, pool_size: int) -> bool:
    """Maximin person by person only where it finishes; every other algorithm on any pool."""
    return algorithm != "maximin-people" or pool_size <= PERSON_BY_PERSON_LIMIT
