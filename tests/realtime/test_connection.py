"""realtime.connection: a socket's language, and the close codes every socket shares."""

from realtime.connection import CLOSE_NOT_FOUND, CLOSE_TRY_LATER, scope_language


def scope(cookie=None, accept=None):
    return {"cookies": {} if cookie is None else {"django_language": cookie},
            "headers": [] if accept is None else [(b"accept-language", accept.encode())]}


def test_the_language_cookie_wins_over_the_browser(settings):
    settings.LANGUAGE_COOKIE_NAME = "django_language"
    assert scope_language(scope(cookie="en", accept="ko-KR,ko;q=0.9")) == "en"


def test_the_browsers_first_supported_language_is_next(settings):
    settings.LANGUAGE_COOKIE_NAME = "django_language"
    assert scope_language(scope(accept="fr-FR, en;q=0.8")) == "en"
    assert scope_language(scope(cookie="xx", accept="en-GB")) == "en"


def test_otherwise_the_site_default(settings):
    settings.LANGUAGE_COOKIE_NAME = "django_language"
    assert scope_language(scope(accept="*, fr")) == settings.LANGUAGE_CODE
    assert scope_language({}) == settings.LANGUAGE_CODE


def test_rooms_and_votes_close_with_the_same_codes():
    from deliberation.rooms import rules
    from voting import consumers

    assert (rules.CLOSE_TRY_LATER, rules.CLOSE_NOT_FOUND) == (CLOSE_TRY_LATER, CLOSE_NOT_FOUND) == (4013, 4404)
    assert (consumers.CLOSE_TRY_LATER, consumers.CLOSE_NOT_FOUND) == (4013, 4404)
