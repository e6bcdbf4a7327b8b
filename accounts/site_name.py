"""The site's name and domain in emails ("[서울 시민참여] …") instead of Django's default "example.com"."""

from urllib.parse import urlsplit

from django.conf import settings

SITE_NAME = "서울 시민참여"  # the Korean name of "Seoul Participation": data, as the demo's category names are


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
