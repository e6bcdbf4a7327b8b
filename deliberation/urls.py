"""URLs of the room pages (namespace ``deliberation``); the WebSocket routes are in routing.py."""

from django.urls import path

from . import views

app_name = "deliberation"

urlpatterns = [
    path("rooms/", views.room_list, name="list"),
    path("rooms/new/", views.room_create, name="create"),
    path("rooms/<int:pk>/", views.room_detail, name="room"),
    path("rooms/<int:pk>/open/", views.room_open, name="open"),
]
