"""URLs of the room pages (namespace ``deliberation``); the WebSocket routes are in routing.py."""

from django.urls import path, re_path

from . import deliberative_poll_views, draw_views, invitation_views, jury_views, pool_views, views

app_name = "deliberation"

urlpatterns = [
    path("rooms/", views.room_list, name="list"),
    path("rooms/new/", views.room_create, name="create"),
    path("rooms/<int:pk>/", views.room_detail, name="room"),
    path("rooms/<int:pk>/open/", views.room_open, name="open"),
    path("rooms/<int:pk>/chat/", views.chat_post, name="chat_post"),
    path("rooms/<int:pk>/record/", views.room_record, name="record"),
    re_path(r"^rooms/(?P<pk>[0-9]+)/record\.(?P<fmt>md|csv|json)$", views.room_record_export, name="record_export"),
]
urlpatterns += (pool_views.urlpatterns + draw_views.urlpatterns + invitation_views.urlpatterns
                + jury_views.urlpatterns + deliberative_poll_views.urlpatterns)
