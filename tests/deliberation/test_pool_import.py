"""Importing a pool from a PEOPLE.csv: every bad line named (never a 500), nothing stored, any size read a row at a time."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from deliberation.panels import services
from deliberation.panels.models import Pool
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def _refusal(text: str) -> list[str]:
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.import_pool(name="Broken", text=text, actor=AdminFactory())
    assert not Pool.objects.filter(name="Broken").exists()
    return refused.value.messages


def test_a_nul_byte_is_refused_with_its_line_not_a_server_error():
    assert _refusal("person,gender\np1,female\np2,ma\x00le\n") == [
        "PEOPLE line 3: the line holds a NUL character (byte 0); the file is not plain text."]


def test_a_field_over_the_csv_limit_is_refused_with_its_line():
    messages = _refusal("person,notes\np1,short\np2," + "x" * 131_073 + "\np3,short\n")
    assert messages == ["PEOPLE line 3: a field is longer than 131,072 characters."]


def test_an_id_longer_than_the_column_is_refused_with_its_line():
    assert _refusal("person,gender\n" + "p" * 65 + ",female\n") == [
        "PEOPLE line 2: the id is longer than 64 characters."]


def test_every_repeated_id_is_named_with_both_lines():
    text = "person,gender\np1,female\np2,male\np1,male\np3,female\np2,female\np1,female\n"
    assert _refusal(text) == ["PEOPLE line 4: the id “p1” is already on line 2.",
                              "PEOPLE line 6: the id “p2” is already on line 3.",
                              "PEOPLE line 7: the id “p1” is already on line 2."]


def test_a_good_file_is_stored_whole_with_its_columns_as_attributes():
    text = "\ufeffperson,gender,zone\n" + "".join(f"p{i},{'fm'[i % 2]},z{i % 3}\n" for i in range(4500)) + "\n\n"
    pool = services.import_pool(name="Letters", text=text, actor=AdminFactory())
    assert pool.members.count() == 4500
    member = pool.members.get(person_id="p7")
    assert member.attributes == {"gender": "m", "zone": "z1"} and member.source == "import"
