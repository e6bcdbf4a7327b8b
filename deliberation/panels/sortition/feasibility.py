"""Why quotas cannot be met: which quota, and by how much, in words an organiser can act on.

Checked before any solver runs (cheap and exact): the panel size against the pool, each quota's
minimum against the people who have that value, and each feature's minimums and maximums added
up against the panel size. Quotas that pass these checks one by one may still clash together; then
the library's own relaxation (the smallest change to the quotas that makes a panel possible) is
turned into the same kind of sentence by ``explain_relaxation``.
"""

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from deliberation.panels.sortition.pool import Pool, Quota, features_of


def explain_infeasible(pool: Pool, quotas: list[Quota], size: int) -> list[str]:
    """Every reason the quotas cannot be met one by one; an empty list when none is found."""
    reasons = []
    if size < 1:
        reasons.append(_("The panel size must be at least 1 (asked: %(size)d).") % {"size": size})
    if size > len(pool.people):
        reasons.append(_("A panel of %(size)d from a pool of %(count)d: %(short)d people short.")
                       % {"size": size, "count": len(pool.people), "short": size - len(pool.people)})
    for quota in quotas:
        have = pool.count(quota.feature, quota.value)
        if quota.min > have:
            reasons.append(_("QUOTAS line %(line)d: at least %(min)d with %(feature)s=%(value)s, but only "
                             "%(have)d people in the pool have it (%(short)d short).")
                           % {"line": quota.line, "min": quota.min, "feature": quota.feature,
                              "value": quota.value, "have": have, "short": quota.min - have})
    for feature, values in features_of(quotas).items():
        lowest = sum(quota.min for quota in values.values())
        highest = sum(min(quota.max, pool.count(feature, value)) for value, quota in values.items())
        if lowest > size:
            reasons.append(_("The minimums for %(feature)s add up to %(sum)d, more than the panel of "
                             "%(size)d (by %(over)d).")
                           % {"feature": feature, "sum": lowest, "size": size, "over": lowest - size})
        if highest < size:
            reasons.append(_("At most %(sum)d people can be chosen by %(feature)s (the maximums, or fewer "
                             "where the pool has fewer), less than the panel of %(size)d (by %(short)d).")
                           % {"feature": feature, "sum": highest, "size": size, "short": size - highest})
    return reasons


def explain_relaxation(quotas: Iterable[Quota], relaxed: Mapping[tuple[str, str], tuple[int, int]]) -> list[str]:
    """The library's smallest feasible change to the quotas, as sentences (relaxed: (feature, value) -> min, max)."""
    reasons = [_("The quotas cannot all be met together. The smallest change that makes a panel possible:")]
    for quota in quotas:
        low, high = relaxed.get((quota.feature, quota.value), (quota.min, quota.max))
        if low < quota.min:
            reasons.append(_("QUOTAS line %(line)d: %(feature)s=%(value)s, minimum %(old)d cannot be met; "
                             "at most %(new)d (lower it by %(by)d).")
                           % {"line": quota.line, "feature": quota.feature, "value": quota.value,
                              "old": quota.min, "new": low, "by": quota.min - low})
        if high > quota.max:
            reasons.append(_("QUOTAS line %(line)d: %(feature)s=%(value)s, maximum %(old)d is too low; "
                             "at least %(new)d (raise it by %(by)d).")
                           % {"line": quota.line, "feature": quota.feature, "value": quota.value,
                              "old": quota.max, "new": high, "by": high - quota.max})
    return reasons
