"""ASGI entry point: HTTP through Django, WebSockets through Channels (origin-checked, with cookies).

WebSocket routes are origin-checked (scheme, host and port: config/origin.py) and get the cookies in
their scope; who is signed in is each consumer's to resolve.
The live room resolves the session cookie in batches with its admission (deliberation/rooms/realtime/admission.py),
because a crowd arriving at once must not cost two queries each, and it sends without Channels'
session wrapper around every frame. A consumer that wants ``scope["user"]`` wraps itself in
``channels.auth.AuthMiddlewareStack`` in its routing.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware  # noqa: E402

from config.origin import OriginCheck  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from frontend.body_limits import BodyLimitASGI, install_daphne_guard  # noqa: E402
from realtime.wire import defer_autobahn_debug_formatting  # noqa: E402

# Request bodies over their path's cap are refused before they are read (frontend/body_limits.py).
install_daphne_guard()
# autobahn's debug lines are formatted only when written (realtime/wire.py).
defer_autobahn_debug_formatting()

application = ProtocolTypeRouter({
    "http": BodyLimitASGI(django_asgi_app),
    "websocket": OriginCheck(CookieMiddleware(URLRouter(websocket_urlpatterns))),
})

# The collector's full passes were the tail of a crowded room's latency: a pass over a daphne process
# holding 1,000-3,000 sockets took 200-280 ms, and landing in a broadcast it made that broadcast's p99
# 300-400 ms in some runs and not others (docs/benchmarks.md "Speed at city scale"). What the process
# loaded to serve (Django, the apps, URL patterns, translations) lives as long as the process: kept out
# of the full passes. And a full pass runs after 1,000 collections of the middle generation instead of
# 10 (about a hundred times rarer): none ran in a 3,000-client connect storm or its broadcasts, where
# there had been six or seven. Garbage in reference cycles that reached the oldest generation waits
# longer for it; everything else is freed as before, by reference counting and the young collections.
gc.freeze()
gc.set_threshold(*gc.get_threshold()[:2], int(os.environ.get("DAPHNE_GC_THRESHOLD2", "1000")))
