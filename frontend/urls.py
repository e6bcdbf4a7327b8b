"""Site-wide pages: the landing page (``home``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("docs/<slug:name>/", views.doc, name="doc"),
]
