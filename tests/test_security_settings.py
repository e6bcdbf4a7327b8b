"""Production settings are safe by default: a secret key of their own, HTTPS, HSTS, a strict CSP.

Settings are read once per process, so each production case runs `manage.py` in a subprocess with a
production environment built from nothing (no inherited test overrides).
"""

import json
import secrets
import subprocess
import sys

import pytest
from django.conf import settings



PRODUCTION = {
    "DATABASE_URL": "postgres://civic:pw@db.invalid:5432/civic",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "ALLOWED_HOSTS": "participation.example.kr",
    "CSRF_TRUSTED_ORIGINS": "https://participation.example.kr",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def production_settings(env: dict[str, str]) -> dict:
    names = ["DEBUG", "SECRET_KEY_FALLBACKS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
             "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER"]
    code = ("from django.conf import settings; import json; "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))")
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("key", [None, "", "django-insecure-embedded-default-key-change-me",
                                 "django-insecure-something-else"], ids=["unset", "empty", "default", "insecure"])
def test_a_production_start_without_a_secret_key_of_its_own_is_refused(key):
    env = dict(PRODUCTION) if key is None else {**PRODUCTION, "SECRET_KEY": key}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_debug_off_without_a_database_url_is_refused_too():
    result = manage("check", env={"DEBUG": "0", "ALLOWED_HOSTS": "participation.example.kr"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_the_embedded_default_still_starts_without_a_key():
    result = manage("check", env={})
    assert result.returncode == 0, result.stderr[-3000:]


def test_check_deploy_is_clean_with_production_settings():
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50)}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_redirects_to_https_with_hsts_and_secure_cookies_by_default():
    values = production_settings({**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50)})
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # no header is trusted unless told there is a proxy


def test_a_rotated_secret_key_keeps_the_former_ones_from_the_environment():
    """The sealed ballots of a vote open across a rotation only if the old key is among the fallbacks."""
    old, older = secrets.token_urlsafe(50), secrets.token_urlsafe(50)
    values = production_settings({**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50),
                                  "SECRET_KEY_FALLBACKS": f"{old}, {older}"})
    assert values["SECRET_KEY_FALLBACKS"] == [old, older]


def test_behind_a_proxy_that_does_https_itself_the_switches_turn_it_off_and_deploy_stays_clean():
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50), "HTTPS_BY_PROXY": "1"}
    values = production_settings(env)
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["style-src-elem"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["connect-src"] == "'self' ws://testserver wss://testserver"  # this host's sockets only
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert client.get("/accounts/login/")["Content-Security-Policy"] == response["Content-Security-Policy"]
