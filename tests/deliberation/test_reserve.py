"""The reserve list and replacements, pure: the published order recipe, same profile first, a swap that
keeps the quotas next, and a clear reason when no one fits."""

import hashlib
import random

from django.utils import translation

from deliberation.panels.sortition import Quota
from deliberation.panels.sortition.reserve import (
    QUOTAS_KEPT, SAME_PROFILE, find_replacement, pick_replacement, quota_counts, reserve_digest, reserve_order,
)

KEY = "9319./2.5.8.10.12./"


def _q(feature, value, low, high, line=0):
    return Quota(feature, value, low, high, line)


def test_reserve_order_is_the_published_byte_recipe_and_ignores_input_order():
    people = [f"p{i}" for i in range(20)]
    selected = ["p3", "p7", "p11"]
    order = reserve_order(KEY, people, selected)
    by_hand = sorted((p for p in people if p not in selected),
                     key=lambda p: int.from_bytes(hashlib.sha256(KEY.encode("utf-8") + b"\n" + p.encode("utf-8"))
                                                  .digest(), "big"))
    assert order == by_hand
    assert reserve_order(KEY, list(reversed(people)), reversed(selected)) == order
    assert not set(order) & set(selected) and len(order) == 17
    # An anchor anyone can recompute, e.g. `printf '9319./2.5.8.10.12./\np0' | sha256sum`.
    assert reserve_digest(KEY, "p0") == "7a9a12d4551d0715ccade45b32d7e38e6f610c1b67eb13984b89b72f436b0cc8"
    assert reserve_order("1./", people, selected) != order  # other public values, another order


def test_a_non_ascii_id_is_hashed_as_utf8():
    order = reserve_order(KEY, ["김민수", "이영희", "x"], [])
    digests = {p: hashlib.sha256(KEY.encode() + b"\n" + p.encode("utf-8")).hexdigest() for p in order}
    assert [digests[p] for p in order] == sorted(digests.values())


PEOPLE = {
    "a": {"gender": "f", "zone": "north"}, "b": {"gender": "m", "zone": "north"},
    "c": {"gender": "f", "zone": "south"}, "d": {"gender": "m", "zone": "south"},
    # the reserve
    "r1": {"gender": "m", "zone": "north"}, "r2": {"gender": "f", "zone": "north"},
    "r3": {"gender": "f", "zone": "south"}, "r4": {"gender": "m", "zone": "south"},
}
QUOTAS = [_q("gender", "f", 2, 2, 2), _q("gender", "m", 2, 2, 3), _q("zone", "north", 1, 3, 4),
          _q("zone", "south", 1, 3, 5)]
SEATED = ["a", "b", "c", "d"]


def test_the_first_person_with_the_same_profile_is_preferred_over_an_earlier_quota_keeping_one():
    # "c" (f, south) leaves: r2 (f, north) keeps the quotas and comes first, but r3 has c's exact profile.
    found = find_replacement(PEOPLE, QUOTAS, SEATED, "c", ["r1", "r2", "r3", "r4"], used=SEATED)
    assert (found.person_id, found.position, found.match) == ("r3", 3, SAME_PROFILE)


def test_without_the_same_profile_the_first_swap_keeping_every_quota_is_taken():
    # "c" (f, south) leaves; no f/south in the reserve. r1 (m) would give 3 men (max 2): skipped. r2 fits.
    found = find_replacement(PEOPLE, QUOTAS, SEATED, "c", ["r1", "r4", "r2"], used=SEATED)
    assert (found.person_id, found.position, found.match) == ("r2", 3, QUOTAS_KEPT)
    panel = [p for p in SEATED if p != "c"] + ["r2"]
    assert all(holds for _q, _n, holds in quota_counts(PEOPLE, QUOTAS, panel))


def test_used_and_seated_people_are_skipped():
    person, _why = pick_replacement(PEOPLE, QUOTAS, SEATED, "c", ["r3", "r2"], used=[*SEATED, "r3"])
    assert person == "r2"


def test_when_no_one_fits_the_seat_stays_open_and_the_reason_names_the_quota():
    # "a" (f, north) leaves and only men are left in the reserve: gender=f would fall to 1, gender=m rise to 3.
    with translation.override("en"):
        person, why = pick_replacement(PEOPLE, QUOTAS, SEATED, "a", ["r1", "r4"], used=SEATED)
    assert person is None
    assert "each of the 2 people left in the reserve" in why
    assert "QUOTAS line 2, gender=f (2 to 2)" in why and "QUOTAS line 3, gender=m (2 to 2)" in why
    assert "zone" not in why  # the zone quotas would hold: not blamed
    with translation.override("en"):
        person, why = pick_replacement(PEOPLE, QUOTAS, SEATED, "a", ["r1"], used=[*SEATED, "r1"])
    assert person is None and "no one is left in the reserve" in why


def _random_case(rng: random.Random):
    """A pool of 80 with three attributes, a panel of 16 and quotas it meets with some slack."""
    values = {"gender": ["f", "m"], "age": ["20s", "40s", "60s"], "zone": ["n", "s", "e", "w"]}
    people = {f"id{i}": {f: rng.choice(v) for f, v in values.items()} for i in range(80)}
    panel = rng.sample(sorted(people), 16)
    quotas = []
    for feature, options in values.items():
        for value in options:
            have = sum(1 for p in panel if people[p][feature] == value)
            quotas.append(_q(feature, value, max(0, have - rng.randint(0, 1)), have + rng.randint(0, 1)))
    return people, quotas, panel


def test_after_many_random_departures_the_panel_meets_every_quota_whenever_a_replacement_was_found():
    found_some = open_some = 0
    for seed in range(40):
        rng = random.Random(seed)
        people, quotas, panel = _random_case(rng)
        key = f"{seed}./"
        reserve = reserve_order(key, list(people), panel)
        seated, used = set(panel), set(panel)
        for _step in range(30):
            leaving = rng.choice(sorted(seated))
            person, _why = pick_replacement(people, quotas, seated, leaving, reserve, used)
            if person is None:
                open_some += 1
                break  # an open seat: the panel is short from here on, as on the web
            found_some += 1
            assert person not in used
            seated = (seated - {leaving}) | {person}
            used.add(person)
            assert len(seated) == 16
            broken = [(q.feature, q.value, n) for q, n, holds in quota_counts(people, quotas, seated) if not holds]
            assert broken == [], (seed, leaving, person, broken)
    assert found_some > 300 and open_some > 0  # both paths were really exercised


def test_an_open_seat_names_its_quotas_in_the_pages_words_when_the_app_gives_them():
    """What panels' invitation service passes (accounts' label registry): no "gender=f" on a Korean record."""
    from accounts.attributes import criterion_label

    def words(quota):
        return criterion_label(f"{quota.feature}={quota.value}")

    with translation.override("ko"):
        found = find_replacement(PEOPLE, QUOTAS, SEATED, "a", ["r1", "r4"], used=SEATED, name_quota=words)
        named = str(criterion_label("gender=f"))
    assert found.person_id is None
    assert "gender=" not in found.explanation and "=" not in found.explanation
    assert named.startswith("성별") and named in found.explanation
