"""Pools and quotas the draw tests share (test_sortition, test_profiles): plain data, no database."""

import random

import pytest

from deliberation.panels.sortition import read_people, read_quotas


# The tests that read the conftest's ``flanigan_by_person`` (one computation of the library's maximin): one xdist
# worker runs them all (`--dist loadgroup`), so the session fixture runs once, not once per worker.
ONE_FLANIGAN_BY_PERSON = pytest.mark.xdist_group("flanigan-by-person")


def csv_of(rows, header):
    return ",".join(header) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)


def read(people_text, quotas_text):
    quotas = read_quotas(quotas_text)
    return read_people(people_text, quotas), quotas


def flanigan():
    """Flanigan et al. (Nature 2021): 1 female conservative, 99 female liberals, 100 male conservatives;
    each quota 9-20, for a panel of 20. (pool, quotas)."""
    kinds = [("female", "conservative")] + [("female", "liberal")] * 99 + [("male", "conservative")] * 100
    people = csv_of([(f"p{i}", g, leaning) for i, (g, leaning) in enumerate(kinds)], ["id", "gender", "leaning"])
    quotas = "feature,value,min,max\n" + "".join(
        f"{feature},{value},9,20\n" for feature, value in
        [("gender", "female"), ("gender", "male"), ("leaning", "liberal"), ("leaning", "conservative")])
    return read(people, quotas)


def three_attributes(size: int = 300):
    """``size`` people with three attributes (the first ``size`` of the same random sequence), quotas for a panel
    of 24. (pool, quotas)."""
    generator = random.Random(2021)
    rows = [(f"c{i:03}", generator.choice(["female", "male"]), generator.choice(["18-39", "40-59", "60+"]),
             generator.choice(["north", "south", "east", "west"])) for i in range(size)]
    quotas = ("feature,value,min,max\ngender,female,11,13\ngender,male,11,13\n"
              "age,18-39,7,9\nage,40-59,7,9\nage,60+,6,9\n"
              "district,north,5,7\ndistrict,south,5,7\ndistrict,east,5,7\ndistrict,west,5,7\n")
    return read(csv_of(rows, ["id", "gender", "age", "district"]), quotas)
