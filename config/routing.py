"""WebSocket routes of every module. Live rooms (deliberation) and live results (voting) add theirs here."""

websocket_urlpatterns: list = []
