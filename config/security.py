"""The Content-Security-Policy header on every response (docs/deployment.md, "HTTPS, CSP and the secret key").

Django 5.2 has no CSP of its own. The policy is strict for scripts: no inline script, no eval, only
the site's own files (the templates keep data in ``json_script`` blocks and attributes, which are not
executed). Styles: only the site's own stylesheets as ``<link>``/``<style>`` elements
(``style-src-elem 'self'``); inline ``style=""`` attributes are allowed (``style-src ... 'unsafe-inline'``),
because the result bars set their width in the markup (``style="width: 42%"``), and a style attribute
cannot run script. Browsers without ``style-src-elem`` (CSP level 2) fall back to ``style-src``.
WebSockets are allowed to this same host only (``ws://host``, ``wss://host``).
"""

from django.conf import settings

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "style-src-elem": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self' {websockets}",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def policy_for(host: str) -> str:
    websockets = f"ws://{host} wss://{host}" if host else ""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", POLICY)
    return "; ".join(f"{name} {value.format(websockets=websockets)}".strip() for name, value in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds the policy to each response that has none (a view may set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            try:
                host = request.get_host()
            except Exception:  # noqa: BLE001 (a refused Host header: no WebSocket source at all)
                host = ""
            response["Content-Security-Policy"] = policy_for(host)
        return response
