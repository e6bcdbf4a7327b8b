"""The pages of deliberative polls (namespace ``deliberative_polls``)."""

from django.urls import path

from deliberation.deliberative_polls import views

app_name = "deliberative_polls"

urlpatterns = [
    path("deliberative-polls/", views.dpoll_list, name="dpolls"),
    path("deliberative-polls/new/", views.dpoll_create, name="dpoll_create"),
    path("deliberative-polls/<int:pk>/manage/", views.dpoll_manage, name="dpoll_manage"),
    path("deliberative-polls/<int:pk>/move/", views.dpoll_move, name="dpoll_move"),
    path("deliberative-polls/<int:pk>/survey/", views.dpoll_survey, name="dpoll_survey"),
    path("deliberative-polls/<int:pk>/materials/", views.dpoll_materials, name="dpoll_materials"),
    path("deliberative-polls/<int:pk>/report/", views.dpoll_report, name="dpoll_report"),
    path("deliberative-polls/<int:pk>/report.json", views.dpoll_report_json, name="dpoll_report_json"),
    path("deliberative-polls/<int:pk>/tables/<slug:name>.csv", views.dpoll_table_csv, name="dpoll_table"),
    path("deliberative-polls/<int:pk>/responses.csv", views.dpoll_responses, {"fmt": "csv"}, name="dpoll_responses_csv"),
    path("deliberative-polls/<int:pk>/responses.json", views.dpoll_responses, {"fmt": "json"},
         name="dpoll_responses_json"),
]
