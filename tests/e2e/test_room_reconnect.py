"""Chat lines survive a dropped connection, and the room says it is reconnecting (issue 11), in Chromium
over a real daphne. The page's WebSocket goes through Playwright's route, which can lose a frame on the
way, lose the server's acknowledgement, or refuse new sockets with 4013 ("try again later") as the
server does while its channel layer is down.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from deliberation.rooms.models import ChatMessage
from tests.factories import RoomFactory, UserFactory

from .conftest import screenshot
from .rooms import connected as _connected, open_room as _open_room, say as _say, tab as _tab

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _route(page, control: dict) -> None:
    """Every room socket of ``page`` passes through here; ``control`` says what goes wrong, once."""

    def through(ws):
        control["sockets"].append(ws)
        if control["refuse"]:
            ws.close(code=4013, reason="try again later")
            return
        server = ws.connect_to_server()

        def to_server(message):
            frame = json.loads(message)
            if frame.get("type") == "chat.send" and control["mode"] == "swallow_line":
                control["mode"] = None
                control["lost"].append(frame)  # gone without a word, the socket stays up (as after an
                return                          # "internal" error, which names no line)
            if frame.get("type") == "chat.send" and control["mode"] == "lose_line":
                control["mode"] = None
                control["lost"].append(frame)
                ws.close(code=1011)  # the line never reached the server; the page learns it late
                server.close()
                return
            server.send(message)

        def to_page(message):
            frame = json.loads(message)
            if frame.get("type") == "round.paused" and control["mode"] == "hide_pause":
                control["mode"] = None
                control["lost"].append(frame)  # the page does not hear of the pause: a line crosses it
                return
            if frame.get("type") == "chat.ack" and control["mode"] == "lose_ack":
                control["mode"] = None
                control["lost"].append(frame)
                ws.close(code=1011)  # stored, but the page never hears so
                server.close()
                return
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)

    page.route_web_socket(re.compile(r"/ws/rooms/"), through)


def _room_with_a_routed_citizen(signed_in_page):
    room = RoomFactory(title="그늘 있는 거리", rounds=[
        {"kind": "discussion", "title": "여는 토론", "duration_seconds": 600}])
    facilitator_page = signed_in_page(room.facilitator)
    _open_room(facilitator_page, room)
    start = facilitator_page.locator("[data-frame='clock.start']")
    expect(start).to_be_enabled()
    control = {"mode": None, "refuse": False, "sockets": [], "lost": []}
    citizen_page = signed_in_page(UserFactory(display_name="김시민"))
    _route(citizen_page, control)
    citizen_page.goto(f"/rooms/{room.pk}/")
    _connected(citizen_page)
    start.click()
    expect(citizen_page.locator("#round-title")).to_have_text("여는 토론")
    _tab(facilitator_page, "chat")
    return room, control, facilitator_page, citizen_page


def _once_everywhere(text: str, *pages) -> None:
    for page in pages:
        expect(page.locator("#chat-list li").filter(has_text=text)).to_have_count(1)
    assert ChatMessage.objects.filter(body=text).count() == 1


def test_a_line_lost_on_the_way_or_whose_ack_was_lost_arrives_exactly_once_after_the_reconnect(signed_in_page):
    room, control, facilitator_page, citizen_page = _room_with_a_routed_citizen(signed_in_page)

    control["mode"] = "lose_line"
    _say(citizen_page, "터널 안에서 보낸 말")
    expect(facilitator_page.locator("#chat-list")).to_contain_text("터널 안에서 보낸 말", timeout=20_000)
    expect(citizen_page.locator("#chat-pending")).to_be_hidden()  # acknowledged

    control["mode"] = "lose_ack"
    _say(citizen_page, "응답을 잃은 말")
    expect(facilitator_page.locator("#chat-list")).to_contain_text("응답을 잃은 말", timeout=20_000)
    expect(citizen_page.locator("#chat-pending")).to_be_hidden(timeout=20_000)  # the resend's ack

    assert [f["type"] for f in control["lost"]] == ["chat.send", "chat.ack"]
    assert len(control["sockets"]) == 3  # two drops, two reconnects
    _once_everywhere("터널 안에서 보낸 말", facilitator_page, citizen_page)
    _once_everywhere("응답을 잃은 말", facilitator_page, citizen_page)
    expect(citizen_page.locator("#chat-body")).to_have_value("")


def test_during_an_outage_the_room_says_it_is_reconnecting_keeps_a_line_across_a_reload_and_sends_it_once(
        signed_in_page):
    room, control, facilitator_page, citizen_page = _room_with_a_routed_citizen(signed_in_page)
    banner = citizen_page.locator("#room-banner")
    expect(citizen_page.locator("#room-connection")).to_have_attribute("aria-live", "polite")

    control["refuse"] = True  # the server's channel layer is down: sockets are closed with 4013
    control["sockets"][-1].close(code=4013, reason="try again later")
    expect(banner).to_be_visible()
    expect(banner).to_have_text(re.compile(r"\(\d+번째 시도\)"))  # "reconnecting… (attempt N)", in Korean
    expect(citizen_page.locator("#chat-form button")).to_be_enabled()  # writing goes on: the line waits

    _say(citizen_page, "서버가 멈춘 동안 쓴 말")
    pending = citizen_page.locator("#chat-pending li").filter(has_text="서버가 멈춘 동안 쓴 말")
    expect(pending).to_contain_text("보내는 중")  # "sending…"
    expect(citizen_page.locator("#chat-body")).to_have_value("")
    screenshot(citizen_page, "room-reconnecting-phone")

    citizen_page.reload()  # still down: the line is kept by the tab
    expect(pending).to_contain_text("보내는 중")
    expect(banner).to_have_text(re.compile(r"\(\d+번째 시도\)"))
    assert not ChatMessage.objects.filter(body="서버가 멈춘 동안 쓴 말").exists()

    control["refuse"] = False
    expect(banner).to_have_text("다시 연결되었습니다.", timeout=30_000)  # "reconnected"
    expect(banner).to_be_hidden(timeout=10_000)
    expect(facilitator_page.locator("#chat-list")).to_contain_text("서버가 멈춘 동안 쓴 말")
    expect(citizen_page.locator("#chat-pending")).to_be_hidden()
    _once_everywhere("서버가 멈춘 동안 쓴 말", facilitator_page, citizen_page)


def test_a_refused_line_is_kept_with_the_reason_and_can_be_sent_again_or_discarded(signed_in_page):
    """The page would disable Send in a paused round; the pause reaches it too late here (its frame is
    held back), so the lines cross it and the server refuses them."""
    room, control, facilitator_page, citizen_page = _room_with_a_routed_citizen(signed_in_page)
    control["mode"] = "hide_pause"
    _tab(facilitator_page, "run")
    facilitator_page.locator("[data-frame='clock.pause']").click()
    expect(facilitator_page.locator("#clock-note")).not_to_be_empty()
    for _ in range(50):
        if control["lost"]:
            break
        citizen_page.wait_for_timeout(100)
    assert [f["type"] for f in control["lost"]] == ["round.paused"]

    _say(citizen_page, "멈춘 동안 쓴 말")
    _say(citizen_page, "버릴 말")
    refused = citizen_page.locator("#chat-pending li.is-refused")
    expect(refused).to_have_count(2)
    expect(refused.first).to_contain_text("멈춘 동안 쓴 말")
    # the server's reason, next to the chat's form (not under the clock)
    expect(citizen_page.locator("#chat-form-note .control-refusal")).to_have_text("채팅은 라운드가 진행 중일 때 열립니다.")

    refused.filter(has_text="버릴 말").locator("[data-outbox='discard']").click()
    expect(refused).to_have_count(1)
    facilitator_page.locator("[data-frame='clock.resume']").click()
    expect(citizen_page.locator("#clock-note")).to_be_empty()
    refused.locator("[data-outbox='resend']").click()
    expect(citizen_page.locator("#chat-pending")).to_be_hidden()
    _tab(facilitator_page, "chat")
    _once_everywhere("멈춘 동안 쓴 말", facilitator_page, citizen_page)
    assert not ChatMessage.objects.filter(body="버릴 말").exists()


def test_a_line_that_vanished_on_an_open_socket_is_sent_again_at_the_next_pong_and_stored_once(signed_in_page):
    room, control, facilitator_page, citizen_page = _room_with_a_routed_citizen(signed_in_page)
    citizen = citizen_page.evaluate("document.querySelector('[data-room-id]').dataset.userId")

    control["mode"] = "swallow_line"
    _say(citizen_page, "삼켜진 말")
    pending = citizen_page.locator("#chat-pending li").filter(has_text="삼켜진 말")
    expect(pending).to_contain_text("보내는 중")
    # kept per room and per person: another person signing in in this tab would not send it as theirs
    keys = citizen_page.evaluate("Object.keys(sessionStorage)")
    assert f"room{room.pk}:user{citizen}:outbox" in keys
    citizen_page.wait_for_timeout(10_500)  # past RESEND_AFTER; then the server's next pong (sent here early)
    control["sockets"][-1].send(json.dumps({"type": "pong", "data": {}}))
    expect(citizen_page.locator("#chat-pending")).to_be_hidden(timeout=10_000)
    assert [f["type"] for f in control["lost"]] == ["chat.send"]
    assert len(control["sockets"]) == 1  # no reconnect was needed
    _once_everywhere("삼켜진 말", facilitator_page, citizen_page)
