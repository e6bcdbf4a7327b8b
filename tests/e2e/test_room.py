"""A live room in phone browsers over a real daphne: the clock, the chat, a queue turn, a live poll,
questions, the move-on vote and a table split, each step checked on the other person's screen.

The e2e conftest's live server speaks WSGI only, so this test starts daphne (HTTP and WebSockets) on
the test database; that needs PostgreSQL (another process must see the data) and Redis (the channel
layer): tests/services/with-services.sh provides both. Sessions are made with the test client and
handed to the browsers as cookies, because the test settings' fast password hasher is not the server's.
"""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.factories import RoomFactory, UserFactory

from .conftest import screenshot
from .rooms import connected as _connected, open_room as _open_room, say as _say, tab as _tab

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _seconds(page) -> int:
    text = page.locator("#room-clock").inner_text().strip()
    match = re.fullmatch(r"(?:(\d+):)?(\d+):(\d\d)", text)
    assert match, f"the clock shows {text!r}"
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def test_citizen_follows_the_facilitators_clock_and_chat_live(signed_in_page):
    room = RoomFactory(title="그늘 있는 거리", rounds=[
        {"kind": "discussion", "title": "여는 토론", "duration_seconds": 600},
        {"kind": "qa", "title": "질의응답", "duration_seconds": 300},
    ])
    citizen = UserFactory(display_name="김시민")
    path = f"/rooms/{room.pk}/"

    facilitator_page = signed_in_page(room.facilitator)
    facilitator_page.goto(path)
    with facilitator_page.expect_navigation():
        facilitator_page.locator(f"form[action='/rooms/{room.pk}/open/'] button").click()
    start = facilitator_page.locator("[data-frame='clock.start']")
    expect(start).to_be_enabled()  # connected
    # no round yet: only starting one makes sense; the row says why the rest are greyed out
    expect(facilitator_page.locator("[data-frame='clock.pause']")).to_be_disabled()
    expect(facilitator_page.locator("#control-buttons-note .control-why")).to_have_text("진행 중인 라운드가 없습니다.")

    citizen_page = signed_in_page(citizen)
    citizen_page.goto(path)
    _connected(citizen_page)
    assert citizen_page.locator("[data-frame]").count() == 0
    expect(citizen_page.locator("h1")).to_have_text("그늘 있는 거리")  # the room's title is the page's heading

    # No round runs yet: the controls a round allows are disabled, each with the reason next to it.
    send = citizen_page.locator("#chat-form [type=submit]")
    expect(send).to_be_disabled()
    expect(citizen_page.locator("#chat-form-note .control-why")).to_have_text("채팅은 라운드가 진행 중일 때 열립니다.")
    for control in (send, citizen_page.locator("#chat-body")):
        expect(control).to_have_attribute("aria-describedby", re.compile(r"\bchat-form-note\b"))
    expect(citizen_page.locator("#raise-hand")).to_be_disabled()
    expect(citizen_page.locator("#raise-hand-note .control-why")).to_have_text(
        "라운드가 진행 중일 때만 손을 들 수 있습니다.")
    expect(citizen_page.locator("#raise-hand")).to_have_attribute("aria-describedby", "raise-hand-note")
    expect(citizen_page.locator("#move-on")).to_be_disabled()
    # Enter in the closed chat sends nothing: the reason is said at the form, the text stays
    citizen_page.fill("#chat-body", "아직인가요?")
    citizen_page.press("#chat-body", "Enter")
    expect(citizen_page.locator("#chat-form-note .control-refusal")).to_have_text(
        "채팅은 라운드가 진행 중일 때 열립니다.")
    expect(citizen_page.locator("#chat-form-note .control-refusal")).to_have_attribute("aria-live", "polite")
    expect(citizen_page.locator("#chat-body")).to_have_value("아직인가요?")
    expect(citizen_page.locator("#chat-pending")).to_be_hidden()
    citizen_page.fill("#chat-body", "")

    start.click()
    expect(citizen_page.locator("#round-title")).to_have_text("여는 토론")
    expect(send).to_be_enabled()
    expect(citizen_page.locator("#raise-hand")).to_be_enabled()
    expect(citizen_page.locator("#chat-form-note")).to_have_text("")  # the reason went with the round's start
    expect(start).to_be_disabled()  # a round runs: pause, adjust or skip it first
    expect(facilitator_page.locator("[data-frame='clock.pause']")).to_be_enabled()
    expect(citizen_page.locator("#room-clock")).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
    first = _seconds(citizen_page)
    time.sleep(2.2)
    assert _seconds(citizen_page) < first, "the countdown does not move"

    citizen_page.fill("#chat-body", "나무를 여름 전에 심을 수 있을까요? <b>꼭</b>")
    citizen_page.locator("#chat-form button").click()
    message = facilitator_page.locator("#chat-list li").filter(has_text="나무를 여름 전에")
    expect(message).to_contain_text("김시민")
    expect(message.locator(".chat-body")).to_have_text("나무를 여름 전에 심을 수 있을까요? <b>꼭</b>")
    assert facilitator_page.locator("#chat-list b").count() == 0  # escaped, not markup

    before = _seconds(citizen_page)
    facilitator_page.locator("[data-frame='clock.adjust'][data-seconds='60']").click()
    expect(citizen_page.locator("#room-clock")).not_to_have_text(re.compile(r"^[0-9]:"))  # 10:xx again
    jump = _seconds(citizen_page) - before
    assert 55 <= jump <= 61, jump
    screenshot(citizen_page, "room-citizen-phone")


def test_a_queue_turn_a_live_poll_and_questions_reach_the_other_phone(signed_in_page):
    room = RoomFactory(title="그늘 있는 거리", rounds=[
        {"kind": "discussion", "title": "여는 토론", "duration_seconds": 600, "turn_seconds": 120},
        {"kind": "qa", "title": "질의응답", "duration_seconds": 300, "speakers": "facilitator"},
    ])
    citizen = UserFactory(display_name="김시민")
    path = f"/rooms/{room.pk}/"
    facilitator_page = signed_in_page(room.facilitator)
    _open_room(facilitator_page, room)
    start = facilitator_page.locator("[data-frame='clock.start']")
    expect(start).to_be_enabled()
    citizen_page = signed_in_page(citizen)
    citizen_page.goto(path)
    _connected(citizen_page)

    # A round: the facilitator starts it, the citizen's pinned header shows it.
    start.click()
    expect(citizen_page.locator("#round-title")).to_have_text("여는 토론")

    # A queue turn: the citizen raises a hand, the facilitator sees it and gives the floor.
    _tab(citizen_page, "queue")
    citizen_page.locator("#raise-hand").click()
    expect(citizen_page.locator("#lower-hand")).to_be_visible()
    _tab(facilitator_page, "queue")
    hand = facilitator_page.locator(f"#queue-list li[data-user-id='{citizen.pk}']")
    expect(hand).to_contain_text("김시민")
    hand.locator("[data-action='queue.give_floor']").click()
    expect(citizen_page.locator("#my-notice")).to_be_visible()
    expect(citizen_page.locator("#speaker-line")).to_contain_text("김시민")
    turn = citizen_page.locator("#turn-clock")
    expect(turn).to_have_text(re.compile(r"^(2:00|1:\d\d)$"))
    first = _clock_seconds(turn.inner_text())
    time.sleep(2.2)
    assert _clock_seconds(turn.inner_text()) < first, "the turn's countdown does not move"
    expect(citizen_page.locator("#end-my-turn")).to_be_visible()
    expect(facilitator_page.locator("#speaker-line")).to_contain_text("김시민")
    screenshot(citizen_page, "room-citizen-phone-floor")
    screenshot(facilitator_page, "room-facilitator-phone-queue")

    # A live poll: the facilitator opens it, the citizen answers and changes the answer.
    _tab(facilitator_page, "poll")
    facilitator_page.locator("#poll-new summary").click()
    facilitator_page.fill("#poll-question", "다음 벤치는 어디에?")
    facilitator_page.fill("#poll-options", "공원\n도서관\n시장")
    facilitator_page.fill("#poll-duration", "120")
    facilitator_page.locator("#poll-form [type=submit]").click()
    expect(citizen_page.locator("#tab-poll")).to_have_class(re.compile("has-news"))
    _tab(citizen_page, "poll")
    expect(citizen_page.locator("#poll-area .poll-question")).to_have_text("다음 벤치는 어디에?")
    expect(citizen_page.locator("#poll-closes")).to_contain_text(re.compile(r"[12]:\d\d"))
    citizen_page.locator("#poll-answer .poll-choice").nth(1).click()
    citizen_page.locator("#poll-answer [type=submit]").click()
    counts = facilitator_page.locator("#poll-area .bar-count")
    expect(counts).to_have_text(["0", "1", "0"])
    # bars scaled to the number of answers, with the share written out
    expect(facilitator_page.locator("#poll-area .bar-percent")).to_have_text(["0%", "100%", "0%"])
    assert facilitator_page.locator("#poll-area .progress-fill").nth(1).evaluate("e => e.style.width") == "100%"
    expect(facilitator_page.locator("#poll-total")).to_contain_text("1")
    time.sleep(1.1)  # results go out at most once a second; a later batch needs a Celery worker, not run here
    citizen_page.locator("#poll-answer .poll-choice").nth(2).click()
    citizen_page.locator("#poll-answer [type=submit]").click()
    expect(counts).to_have_text(["0", "0", "1"])
    expect(citizen_page.locator("#poll-area .bar-count")).to_have_text(["0", "0", "1"])
    screenshot(facilitator_page, "room-facilitator-phone-poll")
    facilitator_page.locator("#poll-area [data-action='poll.close']").click()
    expect(citizen_page.locator("#poll-area .poll-closed-note")).to_be_visible()
    expect(citizen_page.locator("#poll-answer")).to_have_count(0)

    # The facilitator ends the turn; the citizen may raise a hand again.
    _tab(facilitator_page, "queue")
    facilitator_page.locator("#panel-queue [data-action='queue.end_turn']").click()
    expect(citizen_page.locator("#speaker-line")).to_be_hidden()
    _tab(citizen_page, "queue")
    expect(citizen_page.locator("#raise-hand")).to_be_visible()

    # The fair floor: an invitation reaches the citizen; a proposal to move on reaches the facilitator.
    _tab(facilitator_page, "people")
    person = facilitator_page.locator(f"#presence-list li[data-user-id='{citizen.pk}']")
    if person.count():  # the presence list needs the server's presence frames
        person.locator("[data-action='floor.invite']").click()
        expect(citizen_page.locator("#my-notice")).to_be_visible()
    citizen_page.locator("#move-on").click()
    expect(facilitator_page.locator("#move-on-count")).to_contain_text("1")
    # Once is enough: the server's refusal is said next to the button, not under the clock
    status_before = citizen_page.locator("#room-status").inner_text()
    citizen_page.locator("#move-on").click()
    refusal = citizen_page.locator("#move-on-note .control-refusal")
    expect(refusal).to_have_text("이미 다음 라운드로 넘어가자고 투표하셨습니다.")
    expect(refusal).to_have_attribute("aria-live", "polite")
    expect(citizen_page.locator("#move-on")).to_have_attribute("aria-describedby", "move-on-note")
    assert citizen_page.locator("#room-status").inner_text() == status_before

    # Questions: in the Q&A round the citizen asks, the facilitator marks it answering.
    _tab(facilitator_page, "run")
    facilitator_page.locator("[data-frame='clock.skip']").click()
    expect(citizen_page.locator("#round-title")).to_have_text("질의응답")
    expect(refusal).to_have_text("")  # a new round: the last one's refusals go
    # Only the facilitator and the speakers take the floor here: no hand, and the page says why
    expect(citizen_page.locator("#raise-hand")).to_be_disabled()
    expect(citizen_page.locator("#raise-hand-note .control-why")).to_have_text(
        "이번 라운드에서는 진행자와 초청 발언자만 발언합니다.")
    _tab(citizen_page, "questions")
    citizen_page.fill("#question-body", "나무는 누가 관리하나요?")
    citizen_page.locator("#question-form [type=submit]").click()
    _tab(facilitator_page, "questions")
    question = facilitator_page.locator("#question-list li.question").filter(has_text="나무는 누가 관리하나요?")
    expect(question.locator(".question-votes")).to_have_text("0")
    question.locator("[data-state='answering']").click()
    expect(citizen_page.locator("#question-list li.question-answering")).to_contain_text("나무는 누가 관리하나요?")
    screenshot(citizen_page, "room-citizen-phone-questions")
    facilitator_page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(facilitator_page, "room-facilitator-desktop")


def _clock_seconds(text: str) -> int:
    match = re.fullmatch(r"(?:(\d+):)?(\d+):(\d\d)", text.strip())
    assert match, f"the clock shows {text!r}"
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def test_a_table_split_seats_each_citizen_with_a_table_chat_and_a_summary_for_the_plenary(signed_in_page):
    """Four citizens in tables of two: each sees their table; table chat stays at the table (and reaches
    the facilitator); a summary written at a table reaches everyone when the facilitator brings them back."""
    room = RoomFactory(title="그늘 있는 거리", rounds=[
        {"kind": "tables", "title": "테이블 토론", "duration_seconds": 900},
    ])
    facilitator_page = signed_in_page(room.facilitator)
    _open_room(facilitator_page, room)
    start = facilitator_page.locator("[data-frame='clock.start']")
    expect(start).to_be_enabled()
    names = ["김시민", "이하늘", "박바다", "최나무"]
    citizens, users = {}, {}
    for name in names:
        users[name] = UserFactory(display_name=name)
        page = signed_in_page(users[name])
        page.goto(f"/rooms/{room.pk}/")
        _connected(page)
        citizens[name] = page
    start.click()
    for page in citizens.values():
        expect(page.locator("#round-title")).to_have_text("테이블 토론")

    _tab(facilitator_page, "table")
    facilitator_page.fill("#split-size", "2")
    facilitator_page.select_option("#split-method", "random")
    facilitator_page.locator("#split-form [type=submit]").click()
    expect(facilitator_page.locator("#all-tables > li")).to_have_count(2)

    tablemate = {}
    for name, page in citizens.items():
        _tab(page, "table")
        expect(page.locator("#my-table")).to_be_visible()
        expect(page.locator("#table-me")).to_contain_text(re.compile(r"[12]"))
        members = page.locator("#table-members li")
        expect(members).to_have_count(2)
        expect(members.filter(has_text=name)).to_have_count(1)
        tablemate[name] = next(other for other in names if other != name and members.filter(has_text=other).count())
    first = names[0]
    mate = tablemate[first]
    others = [n for n in names if n not in (first, mate)]
    assert tablemate[mate] == first and tablemate[others[0]] == others[1]

    # Table chat: the tablemate and the facilitator read it; the other table and the plenary do not.
    citizens[first].fill("#table-chat-body", "우리 테이블은 그늘막이 먼저예요")
    citizens[first].locator("#table-chat-form [type=submit]").click()
    expect(citizens[mate].locator("#table-chat-list")).to_contain_text("우리 테이블은 그늘막이 먼저예요")
    expect(facilitator_page.locator("#fac-table-chat-list")).to_contain_text("우리 테이블은 그늘막이 먼저예요")
    for name in others:
        expect(citizens[name].locator("#table-chat-list li")).to_have_count(0)
    for page in [facilitator_page, *citizens.values()]:
        expect(page.locator("#chat-list")).not_to_contain_text("그늘막이 먼저")
    screenshot(citizens[first], "room-citizen-phone-table")
    screenshot(facilitator_page, "room-facilitator-phone-tables")

    # The summary: written at the table, saved for everyone; bringing everyone back shows it to the plenary.
    writer = next(citizens[n] for n in (first, mate) if citizens[n].locator("#table-summary-box").is_visible())
    writer.fill("#table-summary-body", "그늘막 먼저, 벤치는 그다음")
    writer.locator("#table-summary-form [type=submit]").click()
    expect(facilitator_page.locator("#summaries")).to_contain_text("그늘막 먼저, 벤치는 그다음")
    expect(citizens[others[0]].locator("#summaries")).to_contain_text("그늘막 먼저, 벤치는 그다음")

    # The facilitator names a table facilitator (who alone writes that table's summary) and moves someone.
    lead, moved = others
    facilitator_page.locator(f"#all-tables [data-action='tables.set_facilitator'][data-user-id='{users[lead].pk}']").click()
    expect(citizens[lead].locator("#table-members .badge")).to_have_count(1)
    expect(citizens[lead].locator("#table-summary-box")).to_be_visible()
    expect(citizens[moved].locator("#table-summary-box")).to_be_hidden()
    move = facilitator_page.locator(f"#all-tables select.table-move[data-user-id='{users[moved].pk}']")
    move.select_option(move.locator("option:not(:checked)").get_attribute("value"))
    expect(citizens[moved].locator("#table-members li")).to_have_count(3)
    expect(citizens[moved].locator("#table-members")).to_contain_text(first)
    expect(citizens[first].locator("#table-members")).to_contain_text(moved)

    facilitator_page.locator("[data-action='tables.bring_back']").click()
    for page in citizens.values():
        expect(page.locator("#my-table")).to_be_hidden()
        expect(page.locator("#summaries")).to_contain_text("그늘막 먼저, 벤치는 그다음")
    expect(facilitator_page.locator("#all-tables-box")).to_be_hidden()


def test_without_javascript_the_chat_form_posts_and_keeps_a_refused_draft(signed_in_page):
    room = RoomFactory(title="그늘 있는 거리", rounds=[
        {"kind": "discussion", "title": "여는 토론", "duration_seconds": 600},
    ])
    facilitator_page = signed_in_page(room.facilitator)
    _open_room(facilitator_page, room)
    citizen_page = signed_in_page(UserFactory(display_name="김시민"), javascript=False)
    citizen_page.goto(f"/rooms/{room.pk}/")
    expect(citizen_page.locator("noscript")).to_have_count(1)
    expect(citizen_page.locator("#room-tabs")).to_be_hidden()
    expect(citizen_page.locator("#panel-queue")).to_be_visible()  # every section, one under the other

    # No round runs yet: the post is refused and the typed text comes back in the form.
    citizen_page.fill("#chat-body", "아직 시작 전인가요?")
    with citizen_page.expect_navigation():
        citizen_page.locator("#chat-form [type=submit]").click()
    expect(citizen_page.locator("#chat-body")).to_have_value("아직 시작 전인가요?")
    expect(citizen_page.locator(".messages")).to_be_visible()

    start = facilitator_page.locator("[data-frame='clock.start']")
    expect(start).to_be_enabled()
    start.click()
    expect(facilitator_page.locator("#round-title")).to_have_text("여는 토론")
    citizen_page.fill("#chat-body", "그늘막이 필요해요 <i>정말</i>")
    with citizen_page.expect_navigation():
        citizen_page.locator("#chat-form [type=submit]").click()
    expect(citizen_page.locator("#chat-list .chat-body").last).to_have_text("그늘막이 필요해요 <i>정말</i>")
    expect(citizen_page.locator("#chat-body")).to_have_value("")
    expect(facilitator_page.locator("#chat-list")).to_contain_text("그늘막이 필요해요")


def _live_room_with_a_citizen(signed_in_page, name="김시민"):
    room = RoomFactory(title="그늘 있는 거리", rounds=[
        {"kind": "discussion", "title": "여는 토론", "duration_seconds": 600},
    ])
    citizen = UserFactory(display_name=name)
    facilitator_page = signed_in_page(room.facilitator)
    _open_room(facilitator_page, room)
    start = facilitator_page.locator("[data-frame='clock.start']")
    expect(start).to_be_enabled()
    citizen_page = signed_in_page(citizen)
    citizen_page.goto(f"/rooms/{room.pk}/")
    _connected(citizen_page)
    start.click()
    expect(citizen_page.locator("#round-title")).to_have_text("여는 토론")
    return room, citizen, facilitator_page, citizen_page


def test_the_facilitator_hides_a_message_mutes_unmutes_and_removes_a_citizen(signed_in_page):
    room, citizen, facilitator_page, citizen_page = _live_room_with_a_citizen(signed_in_page)
    facilitator_page.on("dialog", lambda dialog: dialog.accept("인신공격"))  # the reason prompts
    _say(citizen_page, "이건 숨겨질 말")
    _tab(facilitator_page, "chat")
    message = facilitator_page.locator("#chat-list li").filter(has_text="이건 숨겨질 말")
    message.locator("[data-action='chat.hide']").click()
    expect(citizen_page.locator("#chat-list")).not_to_contain_text("이건 숨겨질 말")
    expect(message).to_have_count(0)

    _say(citizen_page, "다시 말해 볼게요")
    author = facilitator_page.locator("#chat-list li").filter(has_text="다시 말해 볼게요").locator(".chat-author")
    author.click()  # the author's name opens the moderation tools
    facilitator_page.locator("#chat-list .member-tools [data-action='member.mute']").click()
    expect(citizen_page.locator("#my-notice")).to_be_visible()
    expect(citizen_page.locator("#chat-form button")).to_be_disabled()
    author.click()
    author.click()  # closed and opened again: the tools now offer to unmute
    facilitator_page.locator("#chat-list .member-tools [data-action='member.unmute']").click()
    expect(citizen_page.locator("#chat-form button")).to_be_enabled()

    facilitator_page.locator("#chat-list .member-tools [data-action='member.remove']").first.click()
    expect(citizen_page.locator("#room-banner")).to_be_visible()
    expect(citizen_page.locator("#room-banner")).to_contain_text("내보내")  # "removed", in Korean
    expect(citizen_page.locator("#chat-form button")).to_be_disabled()


def test_an_offline_phone_says_so_reconnects_by_itself_and_catches_up(signed_in_page):
    room, citizen, facilitator_page, citizen_page = _live_room_with_a_citizen(signed_in_page)
    citizen_page.context.set_offline(True)
    expect(citizen_page.locator("#room-banner")).to_be_visible()
    expect(citizen_page.locator("#raise-hand")).to_be_disabled()
    expect(citizen_page.locator("#chat-form button")).to_be_enabled()  # a line written offline waits (issue 11)
    _tab(facilitator_page, "chat")
    _say(facilitator_page, "오프라인일 때 보낸 말")
    expect(facilitator_page.locator("#chat-list")).to_contain_text("오프라인일 때 보낸 말")
    citizen_page.context.set_offline(False)
    expect(citizen_page.locator("#chat-list")).to_contain_text("오프라인일 때 보낸 말")  # resumed from its last seq
    expect(citizen_page.locator("#room-banner")).to_be_hidden()
    expect(citizen_page.locator("#chat-form button")).to_be_enabled()

    # The round is paused: the chat's Send is disabled and says why (a line the server refuses anyway is
    # kept with the reason: tests/e2e/test_room_reconnect.py).
    _tab(facilitator_page, "run")
    facilitator_page.locator("[data-frame='clock.pause']").click()
    expect(citizen_page.locator("#clock-note")).not_to_be_empty()
    expect(citizen_page.locator("#chat-form [type=submit]")).to_be_disabled()
    expect(citizen_page.locator("#chat-form-note .control-why")).to_have_text("채팅은 라운드가 진행 중일 때 열립니다.")
    facilitator_page.locator("[data-frame='clock.resume']").click()
    expect(citizen_page.locator("#chat-form [type=submit]")).to_be_enabled()


def test_a_ping_every_25_seconds_and_a_resume_when_the_pong_says_events_were_missed(signed_in_page):
    """The pong's last_seq is raised on the way (as if a broadcast had been lost): the page sends resume
    with the seq it has. The page's timers run on Playwright's clock, so 25 s pass at once."""
    room = RoomFactory(title="그늘 있는 거리", rounds=[{"kind": "discussion", "title": "여는 토론", "duration_seconds": 600}])
    facilitator_page = signed_in_page(room.facilitator)
    _open_room(facilitator_page, room)
    sent, pongs = [], []

    def through(ws):
        server = ws.connect_to_server()

        def to_page(message):
            frame = json.loads(message)
            if frame.get("type") == "pong":
                pongs.append(frame["data"]["last_seq"])
                frame["data"]["last_seq"] += 5
            ws.send(json.dumps(frame))

        def to_server(message):
            sent.append(json.loads(message))
            server.send(message)

        server.on_message(to_page)
        ws.on_message(to_server)

    citizen_page = signed_in_page(UserFactory(display_name="김시민"))
    citizen_page.route_web_socket(re.compile(r"/ws/rooms/"), through)
    citizen_page.clock.install()
    citizen_page.goto(f"/rooms/{room.pk}/")
    _connected(citizen_page)
    assert [f["type"] for f in sent] == ["resume"]

    citizen_page.clock.fast_forward(26_000)
    for _ in range(50):
        if [f["type"] for f in sent][-2:] == ["ping", "resume"]:
            break
        citizen_page.wait_for_timeout(100)
    assert [f["type"] for f in sent] == ["resume", "ping", "resume"], sent
    # it asks from the seq it has applied: at least where it started, at most the server's real last seq
    assert sent[0]["data"]["last_seq"] <= sent[-1]["data"]["last_seq"] <= pongs[0]
    expect(citizen_page.locator("#room-banner")).to_be_hidden()
