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


# Above this many people maximin is not offered by default (docs/benchmarks.md "Drawing by lot", 24 seats:
# 90 s at 750, 130-143 s at 1,000, 256-383 s at 1,500, over 5 minutes at 2,000). The job runs in the
# background with its progress shown, so a few minutes are acceptable; the time grows with the square of the pool.
MAXIMIN_POOL_LIMIT = 1500


def default_algorithm(pool_size: int) -> tuple[str, str]:
    """The algorithm a pool of this size gets, and why (shown on the page)."""
    if pool_size <= MAXIMIN_POOL_LIMIT:
        return "maximin", _("maximin: every person's chance is as equal as the quotas allow; for a pool of this "
                            "size it takes from seconds to about seven minutes, computed in the background with "
                            "its progress shown.")
    return "legacy", _("legacy: maximin took over six minutes on a pool of 1,500 here and grows faster than the "
                       "pool, so larger pools get the simple stratified draw, which meets the quotas but does not "
                       "equalise chances.")
