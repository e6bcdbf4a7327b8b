"""budget.cycles: its pages, in the ``budget:`` namespace (budget/urls.py)."""

from django.urls import path

from budget.cycles import views

urlpatterns = [
    path("budget/", views.cycle_list, name="list"),
    path("budget/new/", views.cycle_new, name="new"),
    path("budget/<slug:slug>/manage/", views.cycle_manage, name="manage"),
    path("budget/<slug:slug>/move/", views.cycle_move, name="move"),
]
