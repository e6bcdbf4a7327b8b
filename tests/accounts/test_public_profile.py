"""Public profile pages (/people/<id or handle>/): only what the person chose to publish, to whom."""

import pytest
from django.urls import reverse

from proposals.states import State
from tests.factories import AdminFactory, CommentFactory, ModeratorFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(client, person, viewer=None, ref=None):
    if viewer is not None:
        client.force_login(viewer)
    return client.get(reverse("accounts:public_profile", args=[ref or person.pk]))


@pytest.mark.parametrize("viewer_kind, status", [
    ("anonymous", 404), ("owner", 200), ("other", 404), ("moderator", 404), ("staff", 404),
])
def test_an_unpublished_profile_is_its_owners_preview_only(client, viewer_kind, status):
    person = UserFactory(display_name="하늘")
    viewer = {"anonymous": None, "owner": person, "other": UserFactory(), "moderator": ModeratorFactory(),
              "staff": AdminFactory()}[viewer_kind]
    response = _page(client, person, viewer)
    assert response.status_code == status
    if status == 200:
        assert b'data-testid="own-profile-note"' in response.content


@pytest.mark.parametrize("viewer_kind", ["anonymous", "owner", "other", "staff"])
def test_a_published_profile_shows_only_the_chosen_sections_to_everyone(client, viewer_kind):
    person = UserFactory(display_name="하늘", profile_public=True, profile_shows_proposals=True)
    ProposalFactory(published=True, author=person, title="공개 제안")
    ProposalFactory(author=person, title="초안 제안")
    ProposalFactory(published=True, author=person, title="숨긴 제안", state=State.HIDDEN,
                    state_before_hidden=State.PUBLISHED)
    CommentFactory(author=person, body="비공개 댓글", body_html="<p>비공개 댓글</p>")
    viewer = {"anonymous": None, "owner": person, "other": UserFactory(), "staff": AdminFactory()}[viewer_kind]
    page = _page(client, person, viewer).content.decode()
    assert "하늘" in page and "공개 제안" in page
    assert "초안 제안" not in page and "숨긴 제안" not in page
    assert "비공개 댓글" not in page  # comments not chosen
    assert person.email not in page


def test_comments_appear_when_chosen_but_not_hidden_ones(client):
    person = UserFactory(profile_public=True, profile_shows_comments=True)
    CommentFactory(author=person, body="보이는 댓글", body_html="<p>보이는 댓글</p>")
    CommentFactory(author=person, body="숨은 댓글", body_html="<p>숨은 댓글</p>", is_hidden=True)
    page = _page(client, person).content.decode()
    assert "보이는 댓글" in page and "숨은 댓글" not in page and 'data-testid="profile-proposals"' not in page


def test_a_handle_is_an_address_too(client):
    person = UserFactory(profile_public=True, profile_handle="seoul-walker")
    assert _page(client, person, ref="seoul-walker").status_code == 200
    assert person.profile_url == "/people/seoul-walker/"
    assert _page(client, person, ref="nobody-here").status_code == 404


def test_settings_are_saved_for_oneself_only_and_need_a_sign_in(client):
    person = UserFactory()
    url = reverse("accounts:public_profile_settings")
    response = client.post(url, {"profile_public": "on"})
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(person)
    response = client.post(url, {"profile_public": "on", "profile_handle": "Han-River", "profile_shows_proposals": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.profile_public, person.profile_handle, person.profile_shows_proposals,
            person.profile_shows_comments) == (True, "han-river", True, False)
    assert client.get(url).status_code == 405  # POST only


@pytest.mark.parametrize("handle", ["12", "1abc", "한강", "has space", "taken-one"])
def test_a_bad_or_taken_handle_is_refused_and_the_form_keeps_what_was_typed(client, handle):
    UserFactory(profile_handle="taken-one")
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("accounts:public_profile_settings"),
                           {"profile_public": "on", "profile_handle": handle})
    assert response.status_code == 400
    assert response.context["public_form"].errors["profile_handle"]
    assert response.context["public_form"]["profile_handle"].value() == handle
    person.refresh_from_db()
    assert not person.profile_public


def test_the_proposal_page_links_the_author_only_once_the_profile_is_published(client):
    hidden_author = UserFactory(display_name="숨은이")
    public_author = UserFactory(display_name="보인이", profile_public=True)
    quiet = ProposalFactory(published=True, author=hidden_author)
    loud = ProposalFactory(published=True, author=public_author)
    assert f'href="/people/{hidden_author.pk}/"' not in client.get(quiet.get_absolute_url()).content.decode()
    assert f'href="/people/{public_author.pk}/"' in client.get(loud.get_absolute_url()).content.decode()
