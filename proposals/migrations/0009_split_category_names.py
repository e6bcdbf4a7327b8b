"""Categories named "교통 (Transport)" before they had an English field: split the name."""

from django.db import migrations

from core.bilingual import split_bracketed_english


def split_names(apps, schema_editor):
    for category in apps.get_model("proposals", "Category").objects.filter(name_en=""):
        korean, english = split_bracketed_english(category.name)
        if english:
            category.name, category.name_en = korean, english
            category.save(update_fields=["name", "name_en"])


def join_names(apps, schema_editor):
    for category in apps.get_model("proposals", "Category").objects.exclude(name_en=""):
        category.name = f"{category.name} ({category.name_en})"[:80]
        category.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("proposals", "0008_category_name_en")]
    operations = [migrations.RunPython(split_names, join_names)]
