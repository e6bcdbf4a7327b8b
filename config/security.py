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


def tile_source(url: str) -> str:
    """The img-src source of a map tile server's URL template (settings.BUDGET_MAP_TILE_URL): its scheme and
    host, a ``{s}`` subdomain as a wildcard ("https://{s}.tile.example.org/{z}/{x}/{y}.png" ->
    "https://*.tile.example.org"); empty when none is set."""
    if not url or "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}" if host and "{" not in host else ""


def policy_for(host: str) -> str:
    websockets = f"ws://{host} wss://{host}" if host else ""
    policy = dict(getattr(settings, "CONTENT_SECURITY_POLICY", POLICY))
    tiles = tile_source(getattr(settings, "BUDGET_MAP_TILE_URL", ""))
    if tiles and "img-src" in policy:  # the budget cycle page's map (budget/execution)
        policy["img-src"] = f"{policy['img-src']} {tiles}"
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
