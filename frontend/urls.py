"""Site-wide pages: the landing page (``home``) and the search (``search``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
]
