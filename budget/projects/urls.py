"""budget.projects: its pages, in the ``budget:`` namespace (budget/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("budget/mine/", views.my_projects, name="my_projects"),
    path("budget/projects/<int:pk>/", views.project_detail, name="project"),
    path("budget/projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("budget/projects/<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("budget/projects/<int:pk>/withdraw/", views.project_withdraw, name="project_withdraw"),
    path("budget/projects/<int:pk>/join/", views.project_join, name="project_join"),
    path("budget/projects/<int:pk>/answer/", views.project_answer, name="project_answer"),
    path("budget/<slug:slug>/projects/", views.project_list, name="projects"),
    path("budget/<slug:slug>/projects/new/", views.project_new, name="project_new"),
    path("budget/<slug:slug>/similar/", views.similar, name="similar"),
]
