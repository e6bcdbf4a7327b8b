"""The proposal pages for readers and writers: each renders for the right role, refuses the wrong one, and keeps what
was typed."""

import json
import re

import pytest
from django.urls import reverse

from frontend.markdown import render_markdown
from proposals import services
from proposals.models import Comment, Flag, Proposal
from proposals.states import State
from tests.factories import (
    CategoryFactory, CommentFactory, ModeratorFactory, ProposalFactory, ResidentFactory,
    UserFactory,
)
from tests.proposals.web import login, messages_of

pytestmark = pytest.mark.django_db


# --- reading -----------------------------------------------------------------------------------------


def test_home_shows_counts_and_open_proposals(client, published):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert published.title in response.text
    assert reverse("proposals:follow_ups") + "?overdue=1" in response.text


def test_list_shows_public_proposals_with_filters_and_hides_drafts(client, published):
    draft = ProposalFactory(title="Secret draft")
    response = client.get(reverse("proposals:list"))
    assert response.status_code == 200
    assert published.title in response.text and draft.title not in response.text
    assert 'role="progressbar"' in response.text

    services.update_search_vector(proposal_ids=[published.pk])  # the factory bypasses publish_proposal
    category = published.category.code
    response = client.get(reverse("proposals:list"), {"q": "Shade", "category": category, "state": "published",
                                                      "sort": "supported", "district": ""})
    assert response.status_code == 200 and published.title in response.text
    response = client.get(reverse("proposals:list"), {"q": "nothing-like-this"})
    assert published.title not in response.text


def test_list_ignores_invalid_filters_and_paginates(client, published):
    ProposalFactory.create_batch(21, published=True)
    response = client.get(reverse("proposals:list"), {"category": "no-such", "sort": "bogus", "page": "2"})
    assert response.status_code == 200
    assert len(response.context["proposals"]) == 2


def test_detail_shows_support_box_threshold_and_timeline(client, citizen):
    proposal = ProposalFactory(author=citizen, category=CategoryFactory(
        deliberation_threshold=50, escalation_threshold=500, mayor_threshold=5000))
    services.publish_proposal(proposal=proposal, actor=citizen)
    response = client.get(reverse("proposals:detail", args=[proposal.pk]))
    assert response.status_code == 200
    assert 'aria-valuenow="0"' in response.text and 'aria-valuemax="50"' in response.text
    assert "public deliberation" in response.text
    assert "Published; the support window opened." in response.text
    assert "Please sign in to support this proposal." in response.text


def test_draft_is_visible_only_to_its_author(client, citizen):
    draft = ProposalFactory(author=citizen)
    url = reverse("proposals:detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert login(client, UserFactory()).get(url).status_code == 404
    response = login(client, citizen).get(url)
    assert response.status_code == 200
    assert "Only you can see it" in response.text
    assert reverse("proposals:edit", args=[draft.pk]) in response.text


def test_hidden_proposal_is_404_for_the_public_and_shown_to_author_and_moderators(client, published):
    moderator = ModeratorFactory()
    services.hide_proposal(moderator=moderator, proposal=published, reason="Personal data")
    url = reverse("proposals:detail", args=[published.pk])
    assert client.get(url).status_code == 404
    assert login(client, UserFactory()).get(url).status_code == 404
    assert "hidden by moderation" in login(client, published.author).get(url).text
    response = login(client, moderator).get(url)
    assert response.status_code == 200
    assert "Personal data" in response.text  # the moderation record
    client.logout()
    assert published.title not in client.get(reverse("proposals:list")).text


def test_xss_in_body_is_not_rendered(client, citizen):
    body = ('Hello <script>alert("x")</script> <img src=x onerror="alert(1)"> '
            '[click](javascript:alert(1)) <a href="javascript:alert(2)">link</a>')
    proposal = services.save_draft(author=citizen, title="XSS <b>test</b>", body=body,
                                   category=CategoryFactory())
    services.publish_proposal(proposal=proposal, actor=citizen)
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).text
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "XSS &lt;b&gt;test&lt;/b&gt;" in html


def test_export_csv_and_json_hold_public_proposals_only(client, escalated):
    proposal, _follow_up = escalated
    draft = ProposalFactory(title="=HYPERLINK(draft)")
    formula = ProposalFactory(published=True, title="=1+1")
    response = client.get(reverse("proposals:export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeffid,title,category,district,state,support_count,published_at")
    assert proposal.title in text and draft.title not in text
    assert "'=1+1" in text and f"{formula.pk},=1+1" not in text

    response = client.get(reverse("proposals:export", args=["json"]), {"state": "escalated"})
    rows = json.loads(b"".join(response.streaming_content))
    assert [row["id"] for row in rows] == [proposal.pk]
    assert rows[0]["escalation_level"] == "department" and rows[0]["published_at"].endswith("+09:00")


def test_export_reads_every_row_across_chunks(client, monkeypatch):
    monkeypatch.setattr("proposals.exports.CHUNK", 2)
    proposals = ProposalFactory.create_batch(5, published=True)
    response = client.get(reverse("proposals:export", args=["json"]))
    rows = json.loads(b"".join(response.streaming_content))
    assert [row["id"] for row in rows] == sorted(p.pk for p in proposals)


def test_export_streams_an_async_body_under_asgi(async_client, published):
    from asgiref.sync import async_to_sync

    async def fetch():
        response = await async_client.get(reverse("proposals:export", args=["json"]))
        assert response.is_async
        return b"".join([chunk async for chunk in response.streaming_content])

    rows = json.loads(async_to_sync(fetch)())
    assert [row["title"] for row in rows] == [published.title]


# --- writing proposals --------------------------------------------------------------------------------


def proposal_data(category, **overrides) -> dict:
    data = {"title": "More benches", "body": "Benches every 200 m on Sejong-daero.", "category": category.pk,
            "scope": "citywide", "district": "", "tags": "benches, walking", "action": "draft"}
    data.update(overrides)
    return data


def test_create_requires_sign_in(client):
    response = client.get(reverse("proposals:create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_saves_a_draft_then_publish_opens_the_window(client, citizen):
    category = CategoryFactory()
    login(client, citizen)
    assert client.get(reverse("proposals:create")).status_code == 200
    response = client.post(reverse("proposals:create"), proposal_data(category))
    proposal = Proposal.objects.get(title="More benches")
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.state == State.DRAFT
    assert sorted(proposal.tags.values_list("name", flat=True)) == ["benches", "walking"]

    response = client.post(reverse("proposals:publish", args=[proposal.pk]), follow=True)
    proposal.refresh_from_db()
    assert proposal.state == State.PUBLISHED and proposal.support_closes_at is not None
    assert any("published" in m for m in messages_of(response))


def test_create_with_publish_button_publishes_at_once(client, citizen):
    login(client, citizen).post(reverse("proposals:create"), proposal_data(CategoryFactory(), action="publish"))
    assert Proposal.objects.get(title="More benches").state == State.PUBLISHED


def test_too_long_title_re_renders_with_everything_typed(client, citizen):
    category = CategoryFactory()
    data = proposal_data(category, title="x" * 121, body="My carefully written body text.")
    response = login(client, citizen).post(reverse("proposals:create"), data)
    assert response.status_code == 200
    assert "My carefully written body text.</textarea>" in response.text
    assert 'value="benches, walking"' in response.text
    assert response.context["form"].errors["title"]
    assert not Proposal.objects.exists()


def test_service_error_is_shown_on_its_field_and_keeps_the_text(client, citizen):
    data = proposal_data(CategoryFactory(), scope="district", district="", body="Keep me please.")
    response = login(client, citizen).post(reverse("proposals:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["district"]
    assert "Keep me please.</textarea>" in response.text
    assert 'aria-invalid="true"' in response.text


def test_rate_limit_message_keeps_the_form_data(client, citizen, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "proposal.create": (1, 3600)}
    category = CategoryFactory()
    login(client, citizen).post(reverse("proposals:create"), proposal_data(category))
    response = client.post(reverse("proposals:create"), proposal_data(category, body="Second idea text."))
    assert response.status_code == 200
    assert "too often" in response.text
    assert "Second idea text.</textarea>" in response.text


def test_citizen_cannot_edit_another_citizens_draft(client, citizen):
    draft = ProposalFactory(author=citizen)
    other = UserFactory()
    assert login(client, other).get(reverse("proposals:edit", args=[draft.pk])).status_code == 404
    published = ProposalFactory(author=citizen, published=True)
    response = client.get(reverse("proposals:edit", args=[published.pk]))
    assert response.status_code == 403
    assert "Only the author can edit this proposal." in response.text


def test_author_edits_draft_but_not_a_published_proposal(client, citizen):
    draft = ProposalFactory(author=citizen, title="Old title")
    login(client, citizen)
    response = client.get(reverse("proposals:edit", args=[draft.pk]))
    assert response.status_code == 200 and 'value="Old title"' in response.text
    client.post(reverse("proposals:edit", args=[draft.pk]), proposal_data(draft.category, title="New title"))
    draft.refresh_from_db()
    assert draft.title == "New title"
    services.publish_proposal(proposal=draft, actor=citizen)
    response = client.get(reverse("proposals:edit", args=[draft.pk]))
    assert response.status_code == 403 and "Only drafts can be edited" in response.text


def test_author_withdraws_with_a_reason(client, published):
    response = login(client, published.author).post(
        reverse("proposals:withdraw", args=[published.pk]), {"reason": "Merged with another"}, follow=True)
    published.refresh_from_db()
    assert published.state == State.WITHDRAWN
    assert "Withdrawn by the author. Reason: Merged with another" in response.text


def test_other_citizen_cannot_withdraw(client, published):
    response = login(client, UserFactory()).post(reverse("proposals:withdraw", args=[published.pk]), follow=True)
    published.refresh_from_db()
    assert published.state == State.PUBLISHED
    assert "Only the author can withdraw this proposal." in messages_of(response)


def test_my_proposals_lists_drafts_and_published(client, citizen, published):
    draft = ProposalFactory(author=citizen, title="My own draft")
    response = login(client, citizen).get(reverse("proposals:my_proposals"))
    assert response.status_code == 200
    assert draft.title in response.text and published.title in response.text


# --- support, comments, flags --------------------------------------------------------------------------


def test_resident_supports_and_withdraws_support(client, published):
    resident = ResidentFactory()
    url = reverse("proposals:support", args=[published.pk])
    response = login(client, resident).post(url, {"action": "add"})
    assert response.status_code == 302 and response["Location"].endswith("#support")
    published.refresh_from_db()
    assert published.support_count == 1
    page = client.get(published.get_absolute_url())
    assert "You support this proposal." in page.text and "Withdraw my support" in page.text
    client.post(url, {"action": "withdraw"})
    published.refresh_from_db()
    assert published.support_count == 0


def test_support_refusal_is_a_message_not_an_error(client, published):
    response = login(client, UserFactory()).post(reverse("proposals:support", args=[published.pk]), follow=True)
    assert response.status_code == 200
    assert "Only verified residents can support proposals." in messages_of(response)
    resident = ResidentFactory()
    login(client, resident).post(reverse("proposals:support", args=[published.pk]))
    response = client.post(reverse("proposals:support", args=[published.pk]), follow=True)
    assert "You already support this proposal." in messages_of(response)


def test_anonymous_support_goes_to_sign_in(client, published):
    response = client.post(reverse("proposals:support", args=[published.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_support_on_hidden_proposal_is_404(client, published):
    services.hide_proposal(moderator=ModeratorFactory(), proposal=published, reason="spam")
    response = login(client, ResidentFactory()).post(reverse("proposals:support", args=[published.pk]))
    assert response.status_code == 404


def test_comment_and_one_level_reply(client, published):
    user = UserFactory()
    login(client, user)
    url = reverse("proposals:comment", args=[published.pk])
    response = client.post(url, {"body": "Good idea"})
    first = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{first.pk}")
    client.post(url, {"body": "Agreed", "parent": first.pk})
    reply = Comment.objects.get(parent=first)
    page = client.get(published.get_absolute_url()).text
    assert "Good idea" in page and "Agreed" in page
    response = client.post(url, {"body": "Too deep", "parent": reply.pk})
    assert response.status_code == 200
    assert "Replies go one level deep" in response.text
    assert Comment.objects.count() == 2


def test_comment_error_re_renders_with_the_text_kept(client, published):
    long_text = "word " * 700  # over 3,000 characters
    response = login(client, UserFactory()).post(reverse("proposals:comment", args=[published.pk]),
                                                 {"body": long_text})
    assert response.status_code == 200
    assert response.context["comment_form"].errors["body"]
    assert long_text.strip()[:200] in response.text
    assert not Comment.objects.exists()


def test_reply_error_keeps_the_text_in_that_reply_box(client, published):
    parent = CommentFactory(proposal=published)
    text = "r" * 3001
    response = login(client, UserFactory()).post(reverse("proposals:comment", args=[published.pk]),
                                                 {"body": text, "parent": parent.pk})
    assert response.status_code == 200
    assert response.context["reply_to"] == parent.pk
    assert f'id="reply-{parent.pk}" name="body" rows="3" required maxlength="3000">{text}</textarea>' in response.text


def test_flag_proposal_and_comment_and_duplicate_is_a_message(client, published):
    comment = CommentFactory(proposal=published)
    login(client, UserFactory())
    url = reverse("proposals:flag", args=[published.pk])
    client.post(url, {"reason": "Insulting"})
    client.post(url, {"reason": "Spam", "comment": comment.pk})
    assert Flag.objects.count() == 2
    response = client.post(url, {"reason": "Again"}, follow=True)
    assert "You have already reported this; a moderator will look at it." in messages_of(response)
    response = client.post(url, {"reason": ""}, follow=True)
    assert Flag.objects.count() == 2
    assert messages_of(response)


def test_author_cannot_flag_own_proposal(client, published):
    response = login(client, published.author).post(reverse("proposals:flag", args=[published.pk]),
                                                    {"reason": "x"}, follow=True)
    assert "You cannot report your own content." in messages_of(response)
    assert not Flag.objects.exists()


# --- dates, language --------------------------------------------------------------------------------


def test_dates_are_shown_in_seoul_time(client, citizen):
    from datetime import datetime
    from datetime import timezone as dt_timezone

    proposal = ProposalFactory(author=citizen, published=True)
    utc_evening = datetime(2026, 3, 1, 15, 30, tzinfo=dt_timezone.utc)  # 00:30 the next day in Seoul
    proposal.timeline.create(kind="milestone", code="deliberation", reason="2", created_at=utc_evening)
    html = client.get(proposal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ko").text
    assert "2026년 3월 2일 오전 12:30" in html  # the one Korean style (config/formats/ko)
    assert 'datetime="2026-03-02T00:30:00+09:00"' in html


def test_language_switch_serves_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("proposals:list"))
    assert '<html lang="en">' in response.text
    assert 'action="/i18n/setlang/"' in response.text


def test_long_comment_thread_is_paged_newest_first(client):
    proposal = ProposalFactory(published=True)
    for i in range(55):
        CommentFactory(proposal=proposal, body=f"comment number {i:02d}", body_html=f"<p>comment number {i:02d}</p>")
    first = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "comment number 54" in first and "comment number 05" in first
    assert "comment number 04" not in first
    second = client.get(reverse("proposals:detail", args=[proposal.pk]) + "?comments=2").content.decode()
    assert "comment number 04" in second and "comment number 00" in second
    assert "comment number 54" not in second


def test_failed_reply_on_an_older_page_comes_back_with_the_text(client, citizen):
    proposal = ProposalFactory(published=True)
    oldest = CommentFactory(proposal=proposal, body="the oldest comment", body_html="<p>the oldest comment</p>")
    for _ in range(55):
        CommentFactory(proposal=proposal)
    client.force_login(citizen)
    typed = "my careful reply " + "x" * 3000  # over the 3,000-character limit
    response = client.post(reverse("proposals:comment", args=[proposal.pk]), {"body": typed, "parent": oldest.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "the oldest comment" in html  # the page holding the parent is shown
    assert typed in html  # and the reply box still has what was typed
    assert not Comment.objects.filter(parent=oldest).exists()


@pytest.mark.parametrize("params, shown", [
    ({}, "newest"),  # the default order, not the menu's first option ("best match")
    ({"q": "benches"}, "relevance"),
    ({"sort": "relevance"}, "newest"),  # nothing to match without a search: the list is newest first
    ({"q": "benches", "sort": "supported"}, "supported"),
])
def test_the_sort_menu_shows_the_order_applied(client, params, shown):
    page = client.get(reverse("proposals:list"), params).content.decode()
    menu = re.search(r'<select name="sort".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w+)" selected>', menu) == [shown]


def test_the_text_comes_before_the_support_box_in_reading_order(client):
    """On a phone the page is one column in document order: the proposal, then the box to support it."""
    proposal = ProposalFactory(published=True, body_html=render_markdown("## Why\n\nShade on Main Street."))
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "<h3>Why</h3>" in page
    assert page.index('class="prose proposal-body"') < page.index('id="support"') < page.index('id="timeline"')


# --- comments kept in the cache for readers who see no form of them (frontend/fragments.py) -----------


def test_an_edited_comment_and_a_renamed_author_show_to_anonymous_readers_at_once(client, published, settings):
    settings.ANONYMOUS_PAGE_SECONDS = 0  # the fragments at once, not the whole page kept a few seconds
    comment = CommentFactory(proposal=published, body_html="<p>First words.</p>")
    url = reverse("proposals:detail", args=[published.pk])
    assert "First words." in client.get(url).text
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Second words.</p>")
    type(comment.author).objects.filter(pk=comment.author_id).update(display_name="Renamed Citizen")
    text = client.get(url).text
    assert "Second words." in text and "First words." not in text and "Renamed Citizen" in text


def test_a_signed_in_reader_gets_the_report_form_and_their_own_token_after_anonymous_readers(client, published):
    comment = CommentFactory(proposal=published)
    url = reverse("proposals:detail", args=[published.pk])
    anonymous = client.get(url).text
    assert f'name="comment" value="{comment.pk}"' not in anonymous
    reader = login(client, ResidentFactory())
    response = reader.get(url)
    assert f'id="flag-comment-{comment.pk}"' in response.text
    token = response.cookies.get("csrftoken") or reader.cookies.get("csrftoken")
    assert token is not None
    # the anonymous page that followed is the same as before: no form, no one's token
    client.logout()
    again = client.get(url).text
    assert f'id="flag-comment-{comment.pk}"' not in again and f'name="comment" value="{comment.pk}"' not in again
