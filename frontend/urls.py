"""Site-wide pages: the landing page (``home``), the search (``search``) and the legal pages (``privacy``,
``terms``, ``accessibility``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/", views.terms, name="terms"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("docs/<slug:name>/", views.doc, name="doc"),
]
