"""The header's sign-in link leads back to the page once (issue 13): never ?next= nested in ?next=."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _sign_in_href(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'<a href="([^"]*)"[^>]*>Sign in</a>', page).group(1).replace("&amp;", "&")


@pytest.mark.parametrize("url, expected", [
    ("/proposals/?q=bus", "/accounts/login/?next=%2Fproposals%2F%3Fq%3Dbus"),
    ("/accounts/login/?next=/proposals/", "/accounts/login/?next=%2Fproposals%2F"),
    ("/accounts/login/?next=%2Faccounts%2Flogin%2F%3Fnext%3D%2Fvotes%2F", "/accounts/login/?next=%2Fvotes%2F"),
    ("/accounts/signup/?next=/votes/", "/accounts/login/?next=%2Fvotes%2F"),
    ("/accounts/login/", "/accounts/login/"),
    ("/accounts/login/?next=https://evil.example/", "/accounts/login/"),
])
def test_the_sign_in_link_keeps_one_next(client, url, expected):
    href = _sign_in_href(client, url)
    assert href == expected and href.count("next") <= 1


def test_following_the_sign_in_link_again_and_again_does_not_nest(client):
    href = _sign_in_href(client, "/rooms/")
    for _ in range(4):
        href = _sign_in_href(client, href)
    assert href == "/accounts/login/?next=%2Frooms%2F"
