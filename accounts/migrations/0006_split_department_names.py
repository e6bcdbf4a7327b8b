"""Departments named "시장실 (Office of the Mayor)" before they had an English field: split the name."""

from django.db import migrations

from core.bilingual import split_bracketed_english


def split_names(apps, schema_editor):
    for department in apps.get_model("accounts", "Department").objects.filter(name_en=""):
        korean, english = split_bracketed_english(department.name)
        if english:
            department.name, department.name_en = korean, english
            department.save(update_fields=["name", "name_en"])


def join_names(apps, schema_editor):
    for department in apps.get_model("accounts", "Department").objects.exclude(name_en=""):
        department.name = f"{department.name} ({department.name_en})"[:120]
        department.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_department_name_en")]
    operations = [migrations.RunPython(split_names, join_names)]
