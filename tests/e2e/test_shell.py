"""The site's shell in Chromium: the menu button on a phone, the inline links on a desktop, the language
button and the footer, with and without JavaScript (docs/accessibility.md, "The shell")."""

import pytest
from playwright.sync_api import expect

from .pages import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(*, viewport, javascript: bool):
        context = browser.new_context(viewport=viewport, locale="ko-KR", base_url=live_server.url,
                                      java_script_enabled=javascript, extra_http_headers={"Accept-Language": "ko-KR"})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_on_a_phone_without_javascript_the_links_wait_behind_the_menu_button(open_page):
    page = open_page(viewport=PHONE, javascript=False)
    page.goto("/")
    menu_button = page.locator(".site-menu > summary")
    proposals = page.locator(".main-nav").get_by_role("link", name="제안", exact=True)
    expect(menu_button).to_be_visible()
    expect(proposals).to_be_hidden()
    assert page.locator(".site-header").bounding_box()["height"] < 70  # one bar, not 140-180 px of links
    # Keyboard: the skip link first, then the brand, the language button, the menu button.
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(menu_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(proposals).to_be_visible()
    proposals.click()
    expect(page).to_have_url("/proposals/")
    expect(page.locator(".main-nav [aria-current=page]")).to_have_count(1)


def test_on_a_desktop_without_javascript_the_links_show_inline_and_the_button_goes(open_page):
    page = open_page(viewport=DESKTOP, javascript=False)
    page.goto("/")
    expect(page.locator(".site-menu > summary")).to_be_hidden()
    expect(page.locator(".main-nav").get_by_role("link", name="부서 답변")).to_be_visible()
    expect(page.locator(".main-nav").get_by_role("link", name="로그인")).to_be_visible()


def test_with_javascript_escape_closes_the_menu_and_a_desktop_shows_it_open(open_page):
    page = open_page(viewport=PHONE, javascript=True)
    page.goto("/")
    menu = page.locator(".site-menu")
    page.locator(".site-menu > summary").click()
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(page.locator(".site-menu > summary")).to_be_focused()
    page.set_viewport_size(DESKTOP)
    expect(menu).to_have_attribute("open", "")  # site_menu.js follows the width
    page.set_viewport_size(PHONE)
    expect(menu).not_to_have_attribute("open", "")


def test_the_language_button_switches_at_once_without_javascript(open_page):
    page = open_page(viewport=PHONE, javascript=False)
    page.goto("/proposals/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.locator(".lang-form button[value=en]").click()
    expect(page).to_have_url("/proposals/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".lang-form button[value=ko]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")


def test_the_footer_stays_at_the_bottom_of_a_short_page(open_page):
    page = open_page(viewport=DESKTOP, javascript=False)
    page.goto("/no-such-page/")
    assert page.evaluate("document.documentElement.scrollHeight") <= DESKTOP["height"]
    footer = page.locator(".site-footer").bounding_box()
    assert abs(footer["y"] + footer["height"] - DESKTOP["height"]) <= 1
