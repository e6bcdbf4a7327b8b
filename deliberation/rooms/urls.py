"""The pages of the live rooms (namespace ``rooms``); the WebSocket routes are in realtime/routing.py."""

from django.urls import path, re_path

from deliberation.rooms import views

app_name = "rooms"

urlpatterns = [
    path("rooms/", views.room_list, name="list"),
    path("rooms/new/", views.room_create, name="create"),
    path("rooms/<int:pk>/", views.room_detail, name="room"),
    path("rooms/<int:pk>/open/", views.room_open, name="open"),
    path("rooms/<int:pk>/chat/", views.chat_post, name="chat_post"),
    path("rooms/<int:pk>/record/", views.room_record, name="record"),
    re_path(r"^rooms/(?P<pk>[0-9]+)/record\.(?P<fmt>md|csv|json)$", views.room_record_export, name="record_export"),
]
