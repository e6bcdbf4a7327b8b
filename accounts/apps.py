from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _name_the_site(sender, using="default", **kwargs):
    """After every migrate or flush: the site row named as migration 0004 names it.

    django.contrib.sites re-creates "example.com" in its own post_migrate (a test database's flush between
    transactional tests does it too), and allauth signs its emails with that row. Sites comes before
    accounts in INSTALLED_APPS, so this runs after it and renames only the default row.
    """
    from django.conf import settings
    from django.contrib.sites.models import Site

    from .site_name import SITE_NAME, site_domain

    Site.objects.using(using).filter(pk=settings.SITE_ID, domain="example.com").update(
        domain=site_domain(), name=SITE_NAME)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        post_migrate.connect(_name_the_site, sender=self, dispatch_uid="accounts.name_the_site")
