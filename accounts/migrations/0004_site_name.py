"""The site's name and domain in emails ("[서울 시민참여] …") instead of Django's default "example.com".

allauth greets and signs its emails with the current Site's name. The domain comes from SITE_URL at
migrate time; an operator can change both later in the admin (Sites).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations

SITE_NAME = "서울 시민참여"  # the Korean name of "Seoul Participation": data, as the demo's category names are


def name_the_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    site, created = Site.objects.get_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": SITE_NAME})
    if not created and site.domain == "example.com":
        site.domain, site.name = domain, SITE_NAME
        site.save(update_fields=["domain", "name"])


def back_to_example(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.filter(pk=settings.SITE_ID, name=SITE_NAME).update(domain="example.com", name="example.com")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_consents_verification_requests_deleted_at"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_the_site, back_to_example)]
