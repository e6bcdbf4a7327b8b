"""WebSocket routes of every module. Live rooms (deliberation) and live results (voting) add theirs here."""

from deliberation.rooms.realtime.routing import websocket_urlpatterns as deliberation_routes
from governance.dashboard.routing import websocket_urlpatterns as dashboard_routes
from voting.routing import websocket_urlpatterns as voting_routes

websocket_urlpatterns: list = [*deliberation_routes, *voting_routes, *dashboard_routes]
