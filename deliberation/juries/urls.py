"""The pages of juries and consensus conferences (namespace ``juries``)."""

from django.urls import path

from deliberation.juries import views

app_name = "juries"

urlpatterns = [
    path("juries/", views.jury_list, name="jury_list"),
    path("juries/new/", views.jury_create, name="jury_create"),
    path("juries/<int:pk>/", views.jury_detail, name="jury"),
    path("juries/<int:pk>/manage/", views.jury_manage, name="jury_manage"),
    path("juries/<int:pk>/verdict/", views.jury_verdict, name="jury_verdict"),
    path("juries/<int:pk>/draft/", views.jury_draft, name="jury_draft"),
    path("juries/<int:pk>/minority/", views.jury_minority, name="jury_minority"),
    path("juries/<int:pk>/votes/<int:number>.csv", views.verdict_ballots_csv, name="jury_ballots"),
]
