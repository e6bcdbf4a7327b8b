"""What the room tests do in a page: open a room as its facilitator, switch tabs, say something in the chat."""

from playwright.sync_api import expect


def open_room(facilitator_page, room) -> None:
    """Open the room from the facilitator's page (the factory's stage="open" would broadcast from inside
    Playwright's event loop)."""
    facilitator_page.goto(f"/rooms/{room.pk}/")
    with facilitator_page.expect_navigation():
        facilitator_page.locator(f"form[action='/rooms/{room.pk}/open/'] button").click()


def tab(page, name: str) -> None:
    page.locator(f"#tab-{name}").click()
    expect(page.locator(f"#panel-{name}")).to_be_visible()


def say(page, text: str) -> None:
    page.fill("#chat-body", text)
    page.locator("#chat-form [type=submit]").click()


def connected(page) -> None:
    """The page's socket has had its hello (the controls a round allows stay disabled until one runs)."""
    expect(page.locator("#room")).to_have_attribute("data-connected", "1")
