"""The room's record: what it holds, its downloads, who may read it, the proposal's link, and chat without JS."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.rooms import selectors, services
from deliberation.rooms.models import ChatMessage, LivePoll, Round, Table, TableSeat
from deliberation.rooms.states import MemberRole, QuestionState
from deliberation.rooms.views import chat_draft_key
from tests.factories import AdminFactory, FacilitatorFactory, ProposalFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def _say(room, user, body):
    services.join(room=room, user=user)
    return services.post_message(room=room, author=user, body=body)


@pytest.fixture
def ran_room():
    """A public room that ran: chat (one line hidden), a single-choice and a scale poll, Q&A, a table, ended."""
    facilitator = FacilitatorFactory(display_name="Host")
    alice, bob = UserFactory(display_name="Alice"), UserFactory(display_name="Bob")
    room = RoomFactory(stage="live", facilitator=facilitator, title="Shade on Main Street")
    _say(room, alice, "Trees, please.")
    hidden = _say(room, bob, "Something abusive")
    services.hide_message(room=room, actor=facilitator, seq=hidden.seq, reason="abuse")
    _say(room, bob, "Awnings are cheaper.")
    single = services.open_poll(room=room, actor=facilitator, question="Trees or awnings?", kind="single",
                                options=["Trees", "Awnings"], duration_seconds=60)
    scale = services.open_poll(room=room, actor=facilitator, question="How urgent?", kind="scale",
                               duration_seconds=60)
    services.answer_poll(room=room, user=alice, poll_id=single.pk, choices=[0])
    services.answer_poll(room=room, user=bob, poll_id=single.pk, choices=[1])
    services.answer_poll(room=room, user=alice, poll_id=scale.pk, choices=[5])
    services.answer_poll(room=room, user=bob, poll_id=scale.pk, choices=[2])
    table = Table.objects.create(room=room, number=1, facilitator=alice, summary="We want trees.",
                                 summary_by=alice, round=room.current_round)
    TableSeat.objects.create(table=table, user=alice)
    TableSeat.objects.create(table=table, user=bob)
    services.post_message(room=room, author=alice, body="At the table: trees.")
    ChatMessage.objects.filter(body="At the table: trees.").update(table=table)
    services.skip_round(room=room, actor=facilitator)  # to the break
    services.skip_round(room=room, actor=facilitator)  # to Q&A
    kept = services.ask_question(room=room, user=alice, body="Who waters the trees?")
    services.upvote_question(room=room, user=bob, question_id=kept.pk)
    gone = services.ask_question(room=room, user=bob, body="An off-topic question")
    services.mark_question(room=room, actor=facilitator, question_id=gone.pk, state=QuestionState.HIDDEN,
                           reason="off topic")
    services.end_room(room=room, actor=facilitator)
    room.refresh_from_db()
    return room


# --- the selector ----------------------------------------------------------------------------------


def test_record_leaves_out_hidden_messages_and_questions(ran_room):
    record = selectors.room_record(ran_room, viewer=ran_room.facilitator)
    bodies = [line["body"] for line in record["transcript"]]
    assert bodies == ["Trees, please.", "Awnings are cheaper.", "At the table: trees."]
    assert [q["body"] for q in record["questions"]] == ["Who waters the trees?"]
    assert record["questions"][0]["votes"] == 1 and record["questions"][0]["author"] == "Alice"
    assert "Something abusive" not in json.dumps(record, default=str)


def test_transcript_lines_carry_their_round_and_table(ran_room):
    lines = selectors.room_record(ran_room, viewer=ran_room.facilitator)["transcript"]
    assert {line["round_title"] for line in lines} == {"Opening discussion"}
    assert [line["table"] for line in lines] == [None, None, 1]
    assert [line["author"] for line in lines] == ["Alice", "Bob", "Alice"]
    assert [line["seq"] for line in lines] == sorted(line["seq"] for line in lines)


def test_agenda_shows_actual_start_end_and_duration(ran_room):
    first = Round.objects.get(room=ran_room, position=1)
    Round.objects.filter(pk=first.pk).update(started_at=first.started_at,
                                             ended_at=first.started_at + timedelta(minutes=12, seconds=34))
    rounds = selectors.room_record(ran_room)["rounds"]
    assert [(r["position"], r["kind"], r["state"]) for r in rounds] == [
        (1, "discussion", "skipped"), (2, "break", "skipped"), (3, "qa", "done")]
    assert rounds[0]["planned_seconds"] == 600 and rounds[0]["actual_seconds"] == 754
    assert all(r["started_at"] and r["ended_at"] for r in rounds)


def test_poll_results_match_the_service_counts_with_percentages_and_mean(ran_room):
    polls = {p["question"]: p for p in selectors.room_record(ran_room)["polls"]}
    single, scale = polls["Trees or awnings?"], polls["How urgent?"]
    assert [(o["label"], o["count"], o["percent"]) for o in single["options"]] == [
        ("Trees", 1, 50.0), ("Awnings", 1, 50.0)]
    assert single["total"] == 2 and single["state"] == "closed"  # ending the room closed it
    assert [o["count"] for o in scale["options"]] == [0, 1, 0, 0, 1] and scale["mean"] == 3.5
    for poll in LivePoll.objects.filter(room=ran_room):
        assert selectors.poll_results(poll)["counts"] == [o["count"] for o in polls[poll.question]["options"]]


def test_table_summaries_participants_and_facilitators(ran_room):
    record = selectors.room_record(ran_room)
    assert record["tables"] == [{**record["tables"][0], "number": 1, "summary": "We want trees.",
                                 "summary_by": "Alice", "seated": 2, "facilitator": "Alice"}]
    assert record["facilitators"] == ["Host", "Alice"]
    assert record["participants"] == 2 and record["observers"] == 0


def test_record_reads_in_a_bounded_number_of_queries(ran_room, django_assert_max_num_queries):
    author = UserFactory()
    services.join(room=ran_room, user=author)
    for n in range(30):
        ChatMessage.objects.create(room=ran_room, seq=10_000 + n, author=UserFactory(), body=f"line {n}")
    room = type(ran_room).objects.select_related("facilitator").get(pk=ran_room.pk)
    viewer = UserFactory()
    with django_assert_max_num_queries(8):
        record = selectors.room_record(room, viewer=viewer)
    assert len(record["transcript"]) == 32  # not the table line: this viewer sat at no table


def test_table_chat_is_in_the_record_only_for_those_who_could_read_it(ran_room):
    alice = ChatMessage.objects.get(body="Trees, please.").author
    table_line = "At the table: trees."

    def bodies(viewer):
        return [line["body"] for line in selectors.room_record(ran_room, viewer=viewer)["transcript"]]

    assert table_line in bodies(ran_room.facilitator) and table_line in bodies(AdminFactory())
    assert table_line in bodies(alice)
    assert table_line not in bodies(UserFactory()) and table_line not in bodies(None)
    assert selectors.room_record(ran_room)["tables"][0]["summary"] == "We want trees."  # summaries for all


# --- the downloads ---------------------------------------------------------------------------------


def test_csv_is_one_row_per_visible_line(client, ran_room):
    client.force_login(ran_room.facilitator)
    response = client.get(reverse("rooms:record_export", args=[ran_room.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'room-{ran_room.pk}-record.csv' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == ["seq", "time", "round", "table", "author", "body"]
    assert [(r["author"], r["body"], r["table"]) for r in rows] == [
        ("Alice", "Trees, please.", ""), ("Bob", "Awnings are cheaper.", ""), ("Alice", "At the table: trees.", "1")]
    assert rows[0]["round"] == "Opening discussion" and rows[0]["time"].endswith("+09:00")


def test_csv_escapes_cells_that_would_run_as_formulas(client, ran_room):
    ChatMessage.objects.filter(room=ran_room, body="Trees, please.").update(body="=HYPERLINK(1)")
    response = client.get(reverse("rooms:record_export", args=[ran_room.pk, "csv"]))
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_json_holds_the_whole_record_without_hidden_lines(client, ran_room):
    response = client.get(reverse("rooms:record_export", args=[ran_room.pk, "json"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["room"]["title"] == "Shade on Main Street"
    assert [r["title"] for r in data["rounds"]] == ["Opening discussion", "Coffee", "Questions"]
    assert len(data["transcript"]) == 2 and len(data["polls"]) == 2 and len(data["questions"]) == 1
    assert data["tables"][0]["summary"] == "We want trees."
    for absent in ("Something abusive", "An off-topic question", "At the table: trees."):
        assert absent not in response.content.decode()


def test_markdown_is_a_readable_document(client, ran_room):
    client.force_login(ran_room.facilitator)
    response = client.get(reverse("rooms:record_export", args=[ran_room.pk, "md"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    for heading in ("# Shade on Main Street", "## Agenda as it ran", "## Live polls", "### Trees or awnings?",
                    "## Questions", "## Table summaries", "## Transcript"):
        assert heading + "\n" in text or heading + " (" in text
    assert "**Alice**: Trees, please." in text and "- Trees: 1 (50.0%)" in text and "Mean: 3.5" in text
    assert "Table 1 · **Alice**: At the table: trees." in text
    assert "Something abusive" not in text and "An off-topic question" not in text


def test_unknown_format_is_not_found(client, ran_room):
    assert client.get(f"/rooms/{ran_room.pk}/record.xml").status_code == 404


def test_record_page_shows_agenda_polls_tables_and_transcript(client, ran_room):
    response = client.get(reverse("rooms:record", args=[ran_room.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Opening discussion", "Trees or awnings?", "progress-fill", "We want trees.", "Awnings are cheaper.",
                 "Who waters the trees?", reverse("rooms:record_export", args=[ran_room.pk, "csv"])):
        assert text in page
    assert "Something abusive" not in page and "An off-topic question" not in page


def test_room_list_links_the_record_of_ended_rooms(client, ran_room):
    live = RoomFactory(stage="live")
    client.force_login(UserFactory())
    page = client.get(reverse("rooms:list")).content.decode()
    assert reverse("rooms:record", args=[ran_room.pk]) in page
    assert reverse("rooms:record", args=[live.pk]) not in page


# --- who may read a record ---------------------------------------------------------------------------

VIEWERS = ("anonymous", "citizen", "member", "observer", "other_facilitator", "facilitator", "admin")
OK, LOGIN, FORBIDDEN, MISSING = 200, 302, 403, 404
EXPECTED = {
    "public_ended": dict.fromkeys(VIEWERS, OK),
    "invited": {"anonymous": LOGIN, "citizen": FORBIDDEN, "member": OK, "observer": OK,
                "other_facilitator": FORBIDDEN, "facilitator": OK, "admin": OK},
    "panel": {"anonymous": LOGIN, "citizen": FORBIDDEN, "member": OK, "observer": OK,
              "other_facilitator": FORBIDDEN, "facilitator": OK, "admin": OK},
    "draft": {"anonymous": MISSING, "citizen": MISSING, "member": MISSING, "observer": MISSING,
              "other_facilitator": MISSING, "facilitator": OK, "admin": OK},
}


def _matrix_room(kind: str, facilitator, member, observer):
    access = {"public_ended": "public", "invited": "invited", "panel": "panel", "draft": "invited"}[kind]
    room = RoomFactory(stage="draft" if kind == "draft" else "open", access=access, facilitator=facilitator)
    services.invite_to_room(room=room, actor=facilitator, users=[member])
    services.invite_to_room(room=room, actor=facilitator, users=[observer], role=MemberRole.OBSERVER)
    if kind != "draft":
        services.end_room(room=room, actor=facilitator)
    return room


@pytest.mark.parametrize("url_name", ["record", "record_export"])
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_who_may_read_a_record(client, kind, url_name):
    facilitator = FacilitatorFactory()
    people = {"citizen": UserFactory(), "member": UserFactory(), "observer": UserFactory(),
              "other_facilitator": FacilitatorFactory(), "facilitator": facilitator, "admin": AdminFactory()}
    room = _matrix_room(kind, facilitator, people["member"], people["observer"])
    url = reverse(f"rooms:{url_name}", args=[room.pk] + (["json"] if url_name == "record_export" else []))
    got = {}
    for viewer in VIEWERS:
        client.logout()
        if viewer != "anonymous":
            client.force_login(people[viewer])
        response = client.get(url)
        got[viewer] = response.status_code
        if response.status_code == LOGIN:
            assert "/accounts/login/" in response["Location"]
    assert got == EXPECTED[kind]


def test_a_live_public_record_is_for_signed_in_people_only(client):
    room = RoomFactory(stage="live")
    url = reverse("rooms:record", args=[room.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 200


def test_a_removed_member_cannot_read_an_invited_record(client):
    facilitator, member = FacilitatorFactory(), UserFactory()
    room = RoomFactory(stage="open", access="invited", facilitator=facilitator)
    services.invite_to_room(room=room, actor=facilitator, users=[member])
    services.remove_member(room=room, actor=facilitator, user_id=member.pk, reason="abuse")
    client.force_login(member)
    assert client.get(reverse("rooms:record", args=[room.pk])).status_code == 403


# --- the linked proposal -----------------------------------------------------------------------------


def test_proposal_page_links_the_record_of_rooms_the_viewer_may_see(client):
    facilitator, member = FacilitatorFactory(), UserFactory()
    proposal = ProposalFactory(published=True)
    ended = RoomFactory(stage="open", title="Public hearing", facilitator=facilitator, proposal=proposal)
    services.end_room(room=ended, actor=facilitator)
    closed = RoomFactory(stage="live", title="Citizens' jury", access="panel", facilitator=facilitator,
                         proposal=proposal)
    services.invite_to_room(room=closed, actor=facilitator, users=[member])
    RoomFactory(title="Still a draft", facilitator=facilitator, proposal=proposal)
    url = reverse("proposals:detail", args=[proposal.pk])

    page = client.get(url).content.decode()  # anonymous
    assert "Public hearing" in page and reverse("rooms:record", args=[ended.pk]) in page
    assert "Citizens' jury" not in page and "Still a draft" not in page

    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Citizens&#x27; jury" in page and reverse("rooms:room", args=[closed.pk]) in page
    assert "Still a draft" not in page

    client.force_login(facilitator)
    assert "Still a draft" in client.get(url).content.decode()


def test_proposal_page_without_rooms_says_nothing_of_deliberation(client):
    proposal = ProposalFactory(published=True)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'id="deliberation"' not in page


def test_record_links_back_to_its_proposal(client):
    facilitator = FacilitatorFactory()
    proposal = ProposalFactory(published=True, title="More shade")
    room = RoomFactory(stage="open", facilitator=facilitator, proposal=proposal)
    services.end_room(room=room, actor=facilitator)
    page = client.get(reverse("rooms:record", args=[room.pk])).content.decode()
    assert reverse("proposals:detail", args=[proposal.pk]) in page


# --- chat without JavaScript -------------------------------------------------------------------------


def test_chat_form_posts_a_message_and_returns_to_the_chat(client):
    room, citizen = RoomFactory(stage="live"), UserFactory()
    client.force_login(citizen)
    response = client.post(reverse("rooms:chat_post", args=[room.pk]), {"body": "Hello without JS"})
    assert response.status_code == 302
    assert response["Location"] == reverse("rooms:room", args=[room.pk]) + "#chat"
    message = ChatMessage.objects.get(room=room)
    assert message.author == citizen and message.body == "Hello without JS" and message.table_id is None
    assert chat_draft_key(room.pk) not in client.session


def test_refused_chat_keeps_the_text_and_says_why(client):
    room, citizen = RoomFactory(stage="open"), UserFactory()  # no round running: the chat is closed
    client.force_login(citizen)
    response = client.post(reverse("rooms:chat_post", args=[room.pk]), {"body": "My long thought"},
                           follow=True)
    assert not ChatMessage.objects.filter(room=room).exists()
    assert [str(m) for m in response.context["messages"]] == ["The chat opens when a round is running."]
    assert response.context["chat_draft"] == "My long thought"
    assert chat_draft_key(room.pk) not in client.session  # shown once


def test_empty_and_rate_limited_messages_are_refused_with_the_text_kept(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat.message": (1, 60)}
    room, citizen = RoomFactory(stage="live"), UserFactory()
    client.force_login(citizen)
    url = reverse("rooms:chat_post", args=[room.pk])
    client.post(url, {"body": "   "})
    assert client.session[chat_draft_key(room.pk)] == "   "
    client.post(url, {"body": "first"})
    client.post(url, {"body": "second"})
    assert client.session[chat_draft_key(room.pk)] == "second"
    assert list(ChatMessage.objects.filter(room=room).values_list("body", flat=True)) == ["first"]


def test_chat_form_refuses_people_not_admitted(client):
    room = RoomFactory(stage="live", access="invited")
    client.force_login(UserFactory())
    assert client.post(reverse("rooms:chat_post", args=[room.pk]), {"body": "hi"}).status_code == 403
    assert not ChatMessage.objects.filter(room=room).exists()


def test_chat_form_needs_sign_in_post_and_csrf(client):
    room, citizen = RoomFactory(stage="live"), UserFactory()
    url = reverse("rooms:chat_post", args=[room.pk])
    assert "/accounts/login/" in client.post(url, {"body": "hi"})["Location"]
    client.force_login(citizen)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    strict.force_login(citizen)
    assert strict.post(url, {"body": "hi"}).status_code == 403
    assert not ChatMessage.objects.filter(room=room).exists()


def test_chat_form_writes_to_the_writers_table_when_asked(client):
    room, citizen = RoomFactory(stage="live"), UserFactory()
    services.join(room=room, user=citizen)
    url = reverse("rooms:chat_post", args=[room.pk])
    client.force_login(citizen)
    client.post(url, {"body": "To my table", "to_table": "1"})
    assert not ChatMessage.objects.filter(room=room).exists()  # not seated: refused, text kept
    assert client.session[chat_draft_key(room.pk)] == "To my table"
    table = Table.objects.create(room=room, number=2, round=room.current_round)
    TableSeat.objects.create(table=table, user=citizen)
    client.post(url, {"body": "To my table", "to_table": "1"})
    assert ChatMessage.objects.get(room=room).table == table


def test_record_page_is_korean_first_and_escapes_what_people_wrote(ran_room):
    ChatMessage.objects.filter(room=ran_room, body="Trees, please.").update(body="<script>alert(1)</script>")
    response = Client().get(reverse("rooms:record", args=[ran_room.pk]))  # asks for no language
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="ko">' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_keeps_what_people_wrote_literal(client, ran_room):
    """A chat line with a link, an image or HTML is text in the Markdown download, not markup."""
    from deliberation.rooms.exports import _text

    assert _text("[click](http://evil.example) <script>x</script> ![i](a.png) **bold**") == (
        "\\[click\\]\\(http://evil.example\\) \\<script\\>x\\</script\\> \\!\\[i\\]\\(a.png\\) \\*\\*bold\\*\\*")
    client.force_login(ran_room.facilitator)
    text = client.get(reverse("rooms:record_export", args=[ran_room.pk, "md"])).content.decode()
    assert "<script" not in text
