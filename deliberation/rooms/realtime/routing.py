"""WebSocket routes of live rooms (docs/realtime-protocol.md)."""

from django.urls import path

from deliberation.rooms.realtime.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/rooms/<int:room_id>/", RoomConsumer.as_asgi()),
]
