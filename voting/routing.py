"""WebSocket routes of votes: live results (docs/realtime-protocol.md "Live vote results")."""

from django.urls import path

from .consumers import VoteLiveConsumer

websocket_urlpatterns = [
    path("ws/votes/<int:vote_id>/", VoteLiveConsumer.as_asgi()),
]
