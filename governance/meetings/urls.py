"""The pages of governance.meetings (namespace ``meetings``)."""

from django.urls import path

from governance.meetings import views

app_name = "meetings"

urlpatterns = [
    path("committees/<slug:slug>/meetings/new/", views.schedule, name="schedule"),
    path("committees/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("committees/meetings/<int:pk>/hold/", views.hold, name="hold"),
    path("committees/meetings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("committees/meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("committees/meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("committees/meetings/<int:pk>/recommend/", views.recommend, name="recommend"),
    path("committees/<slug:slug>/documents/new/", views.document_generate, name="document_generate"),
    path("committees/<slug:slug>/documents/<int:year>/<str:kind>/", views.document_detail, name="document"),
    path("committees/<slug:slug>/documents/<int:year>/<str:kind>/edit/", views.document_edit,
         name="document_edit"),
]
