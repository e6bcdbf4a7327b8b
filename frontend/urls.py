"""Site-wide pages: the landing page (``home``) and the legal pages (``privacy``, ``terms``, ``accessibility``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/", views.terms, name="terms"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
