"""The labels of profile attributes and their values: never a raw code on a page."""

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.attributes import attribute_label, criterion_label, value_label


@pytest.mark.parametrize("key, value, korean", [
    ("district_group", "downtown", "도심권"),
    ("gender", "female", "여성"),
    ("district", "mapo", "마포구"),
    ("age_band", "30-39", "30~39세"),
    ("age_band", "70+", "70세 이상"),
    ("", "female", "여성"),  # a value without its key is still known
])
def test_known_values_are_labelled_in_korean(key, value, korean):
    with translation.override("ko"):
        assert value_label(value, key) == korean


def test_known_keys_are_labelled_and_unknown_ones_shown_as_uploaded():
    with translation.override("ko"):
        assert (attribute_label("district_group"), attribute_label("age_band"), attribute_label("gender")) == (
            "생활권", "연령대", "성별")
        assert attribute_label("income") == "income" and value_label("high", "income") == "high"
        assert criterion_label("gender=female") == "성별: 여성"


def test_the_template_filters_use_the_registry():
    template = Template("{% load site_tags %}{{ key|attribute_label }}: {{ value|value_label:key }}")
    with translation.override("ko"):
        assert template.render(Context({"key": "district_group", "value": "southeast"})) == "생활권: 동남권"
    with translation.override("en"):
        assert template.render(Context({"key": "gender", "value": "male"})) == "Gender: Male"
