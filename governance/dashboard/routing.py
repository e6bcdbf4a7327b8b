"""WebSocket route of the dashboard's live figures (docs/realtime-protocol.md "Governance dashboard")."""

from django.urls import path

from .consumers import DashboardConsumer

websocket_urlpatterns = [path("ws/dashboard/", DashboardConsumer.as_asgi())]
