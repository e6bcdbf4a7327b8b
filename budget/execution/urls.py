"""budget.execution: its pages, in the ``budget:`` namespace (budget/urls.py, included last so that literal
paths of the other packages win over a cycle's address)."""

from django.urls import path

from . import views

urlpatterns = [
    path("budget/projects/<int:pk>/reports/new/", views.report_new, name="report_new"),
    path("budget/<slug:slug>/execution.csv", views.execution_csv, name="execution_csv"),
    path("budget/<slug:slug>/projects.pb", views.pb_file, name="pb_file"),
    path("budget/<slug:slug>/", views.cycle, name="cycle"),
]
