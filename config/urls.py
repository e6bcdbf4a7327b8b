"""Top-level URLs: i18n switcher, allauth, the admin, and each module's pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Before allauth's include so /accounts/residents/ is ours; allauth has no such path anyway.
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("proposals.urls")),
    path("", include("deliberation.urls")),
    path("", include("voting.urls")),
    path("", include("imports.urls")),
    path("", include("governance.urls")),
    path("", include("budget.urls")),
    path("", include("frontend.urls")),
]
