"""Names staff enter in Korean and English: the page's language picks one; old bracketed names split."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.utils import translation

from accounts.models import Department
from core.bilingual import split_bracketed_english
from proposals.models import Category


@pytest.mark.parametrize("name, parts", [
    ("교통 (Transport)", ("교통", "Transport")),
    ("기후환경정책과 (Climate & Environment)", ("기후환경정책과", "Climate & Environment")),
    ("시장실 (Office of the Mayor)", ("시장실", "Office of the Mayor")),
    ("교통", ("교통", "")),
    ("최담당 (교통정책과)", ("최담당 (교통정책과)", "")),  # Korean in brackets is not an English name
    ("Parks", ("Parks", "")),
])
def test_a_bracketed_english_name_is_split_from_the_korean(name, parts):
    assert split_bracketed_english(name) == parts


@pytest.mark.django_db
def test_the_display_name_follows_the_language_and_falls_back_to_korean():
    department = Department.objects.create(code="mayor", name="시장실", name_en="Office of the Mayor")
    unnamed = Department.objects.create(code="parks", name="공원녹지과")
    category = Category.objects.create(code="transport", name="교통", name_en="Transport", default_department=department)
    with translation.override("ko"):
        assert (department.display_name, str(category), unnamed.display_name) == ("시장실", "교통", "공원녹지과")
    with translation.override("en"):
        assert (department.display_name, str(category), unnamed.display_name) == (
            "Office of the Mayor", "Transport", "공원녹지과")


@pytest.mark.django_db
def test_the_data_migrations_split_old_names_and_join_them_back():
    Department.objects.create(code="mayor", name="시장실 (Office of the Mayor)")
    department = Department.objects.create(code="plain", name="복지정책과")
    Category.objects.create(code="transport", name="교통 (Transport)", default_department=department)
    accounts_step = importlib.import_module("accounts.migrations.0006_split_department_names")
    proposals_step = importlib.import_module("proposals.migrations.0009_split_category_names")
    accounts_step.split_names(global_apps, None)
    proposals_step.split_names(global_apps, None)
    assert list(Department.objects.order_by("code").values_list("name", "name_en")) == [
        ("시장실", "Office of the Mayor"), ("복지정책과", "")]
    assert Category.objects.values_list("name", "name_en").get() == ("교통", "Transport")
    accounts_step.join_names(global_apps, None)
    assert Department.objects.get(code="mayor").name == "시장실 (Office of the Mayor)"
