"""ASGI entry point: HTTP through Django, WebSockets through Channels (origin-checked, with the session).

WebSocket routes get the session in their scope; who is signed in is each consumer's to resolve.
The live room resolves it in batches with its admission (deliberation/admission.py), because a
crowd arriving at once must not cost two queries each; a consumer that wants ``scope["user"]``
wraps itself in ``channels.auth.AuthMiddleware`` in its routing.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOriginValidator(SessionMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
