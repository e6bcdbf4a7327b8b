"""WSGI entry point: production serves HTTP through gunicorn with it (the Procfile's `web`), WebSockets through daphne (`ws`, config/asgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
