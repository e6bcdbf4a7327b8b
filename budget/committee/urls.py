"""budget.committee: its pages, in the ``budget:`` namespace (budget/urls.py)."""

from django.urls import path

from budget.committee import views

urlpatterns: list = [
    path("budget/projects/<int:pk>/score/", views.score, name="score"),
    path("budget/<slug:slug>/school/", views.school, name="school"),
    path("budget/<slug:slug>/sub-committees/", views.sub_committees, name="sub_committees"),
    path("budget/<slug:slug>/sub-committees/<slug:field_slug>/", views.sub_committee, name="sub_committee"),
    path("budget/<slug:slug>/sub-committees/<slug:field_slug>/members/", views.sub_committee_members,
         name="sub_committee_members"),
    path("budget/<slug:slug>/sub-committees/<slug:field_slug>/shortlist/", views.shortlist, name="shortlist"),
    path("budget/<slug:slug>/vote/", views.create_vote, name="create_vote"),
]
