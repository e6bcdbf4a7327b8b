"""Invitations to a drawn panel: sent once, answered by the invited person only and before the deadline,
every seat left (decline, no answer, drop-out) offered to the reserve so the quotas hold, and the record
showing the replacements without anyone's data."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from deliberation.panels import selectors, services
from deliberation import signals, tasks
from deliberation.panels.models import Invitation, PoolMember
from deliberation.panels.services.invitations import InvitationError
from deliberation.panels.sortition import read_people, read_quotas
from deliberation.panels.sortition.reserve import reserve_order
from tests.factories import POOL_QUOTAS as QUOTAS, AdminFactory, DrawnDrawFactory, ResidentFactory
from tests.factories import send_invitations as _send, standing_pool as _pool
from tests.races import run_together

pytestmark = pytest.mark.django_db

# An imported pool where the panel is forced: both men and one of the two women; the reserve is the other woman.
IMPORTED = ("id,gender,zone\n"
            "person-alpha-7731,f,north\nperson-bravo-8842,f,south\n"
            "person-charlie-9953,m,north\nperson-delta-1064,m,south\n")
IMPORTED_QUOTAS = "feature,value,min,max\ngender,f,1,1\ngender,m,2,2\nzone,north,0,3\nzone,south,0,3\n"
IMPORTED_IDS = ["person-alpha-7731", "person-bravo-8842", "person-charlie-9953", "person-delta-1064"]


def _imported_draw(admin=None):
    """A drawn panel of the imported pool (without the solver: any panel the quotas allow will do)."""
    admin = admin or AdminFactory()
    pool = services.import_pool(name="Letters", text=IMPORTED, actor=admin)
    return DrawnDrawFactory(pool=pool, title="River jury", size=3, quotas_text=IMPORTED_QUOTAS,
                            public_values="17/3 9 21", created_by=admin)


def _active(draw):
    return {i.seat: i for i in Invitation.objects.filter(draw=draw, state__in=["invited", "confirmed"])}


def _reserve(draw):
    quotas = read_quotas(draw.quotas_csv)
    return reserve_order(draw.key, list(read_people(draw.people_csv, quotas).people), draw.selected)


# --- services ------------------------------------------------------------------------------------------

def test_invitations_go_once_to_each_selected_person_seats_one_to_k_with_their_accounts():
    draw = DrawnDrawFactory()
    sent = _send(draw)
    assert [i.seat for i in sent] == [1, 2, 3, 4] and [i.person_id for i in sent] == draw.selected
    users = dict(PoolMember.objects.filter(pool=draw.pool).values_list("person_id", "user_id"))
    assert all(i.user_id == users[i.person_id] and i.state == "invited" for i in sent)
    assert len({i.token for i in sent}) == 4 and all(len(i.token) >= 40 for i in sent)
    with pytest.raises(InvitationError) as again, translation.override("en"):
        _send(draw)
    assert again.value.code == "sent" and "already been sent" in again.value.messages[0]
    assert Invitation.objects.count() == 4


def test_invited_users_are_emailed_once_after_the_commit_unless_they_turned_emails_off(
        mailoutbox, django_capture_on_commit_callbacks):
    draw = DrawnDrawFactory()
    quiet = PoolMember.objects.get(pool=draw.pool, person_id=draw.selected[1]).user
    quiet.email_notifications = False
    quiet.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = _send(draw)
        assert mailoutbox == []  # nothing before the commit
    assert len(mailoutbox) == 3 and quiet.email not in [m.to[0] for m in mailoutbox]
    first = Invitation.objects.select_related("user", "draw").get(pk=sent[0].pk)
    mail = next(m for m in mailoutbox if m.to == [first.user.email])
    assert "Night buses jury" in mail.subject and "http://" in mail.body
    assert reverse("panels:invitations") in mail.body and first.token not in mail.body
    assert tasks.send_invitation_emails([i.pk for i in sent]) == 0  # again: nobody twice
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_invitation(invitation=first, user=first.user, accept=False)
    replacement = Invitation.objects.select_related("user").get(replaces=first)
    assert len(mailoutbox) == 4 and mailoutbox[-1].to == [replacement.user.email]


def test_invitations_are_refused_before_the_draw_in_the_past_and_to_non_staff():
    admin = AdminFactory()
    published = services.prepare_draw(pool=_pool(), title="Jury", size=4, quotas_text=QUOTAS, actor=admin,
                                      algorithm="legacy")
    with pytest.raises(InvitationError) as early:
        _send(published)
    assert early.value.code == "not_drawn"
    drawn = services.perform_draw(draw=published, public_values="1/2", actor=admin)
    with pytest.raises(InvitationError) as past:
        services.send_invitations(draw=drawn, actor=admin, deadline_at=timezone.now() - timedelta(minutes=1))
    assert "deadline_at" in past.value.error_dict
    with pytest.raises(PermissionDenied):
        services.send_invitations(draw=drawn, actor=ResidentFactory(), deadline_at=timezone.now() + timedelta(days=1))
    assert not Invitation.objects.exists()


def test_a_decline_is_replaced_by_the_first_reserve_person_with_the_same_profile_and_a_window_as_long():
    draw = DrawnDrawFactory()
    first = _send(draw, days=5)[0]
    leaving = Invitation.objects.select_related("user").get(pk=first.pk)
    services.answer_invitation(invitation=leaving, user=leaving.user, accept=False)
    leaving.refresh_from_db()
    assert leaving.state == "declined" and leaving.responded_at is not None
    new = Invitation.objects.get(replaces=leaving)
    assert new.seat == 1 and new.state == "invited" and new.match == "same"
    reserve = _reserve(draw)
    people = read_people(draw.people_csv, read_quotas(draw.quotas_csv)).people
    profile = {k: v for k, v in people[leaving.person_id].items() if k != "id"}
    twins = [p for p in reserve if {k: v for k, v in people[p].items() if k != "id"} == profile]
    assert new.person_id == twins[0] and new.reserve_position == reserve.index(new.person_id) + 1
    window = new.deadline_at - new.created_at
    assert window == leaving.deadline_at - leaving.created_at and abs(window - timedelta(days=5)).total_seconds() < 5
    assert new.user_id == PoolMember.objects.get(pool=draw.pool, person_id=new.person_id).user_id


def test_a_quota_keeping_swap_then_an_open_seat_with_the_reason():
    draw = _imported_draw()
    invitations = {i.person_id: i for i in _send(draw)}
    woman = next(i for p, i in invitations.items() if p in IMPORTED_IDS[:2])
    services.answer_invitation(invitation=woman, token=woman.token, accept=False)
    other_woman = Invitation.objects.get(replaces=woman)
    assert other_woman.person_id in IMPORTED_IDS[:2] and other_woman.person_id != woman.person_id
    assert other_woman.match == "quotas" and other_woman.reserve_position == 1 and other_woman.user_id is None
    man = invitations["person-charlie-9953"]
    with translation.override("en"):
        services.answer_invitation(invitation=man, token=man.token, accept=False)
    man.refresh_from_db()
    assert not Invitation.objects.filter(replaces=man).exists()
    assert "no one is left in the reserve" in man.explanation
    assert set(_active(draw)) == {1, 2, 3} - {man.seat}


def test_confirming_sends_invitation_confirmed_after_commit_and_the_selector_lists_the_member(
        django_capture_on_commit_callbacks):
    draw = DrawnDrawFactory()
    invitation = Invitation.objects.select_related("user").get(pk=_send(draw)[1].pk)
    seen = []

    def receiver(sender, *, invitation, **kwargs):
        seen.append(invitation)

    signals.invitation_confirmed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.answer_invitation(invitation=invitation, user=invitation.user, accept=True)
        assert seen == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        signals.invitation_confirmed.disconnect(receiver)
    assert [i.pk for i in seen] == [invitation.pk] and seen[0].state == "confirmed"
    assert selectors.confirmed_people(draw) == [{"seat": 2, "person_id": invitation.person_id,
                                                 "user": invitation.user}]


def test_answers_after_the_deadline_twice_or_by_someone_else_are_refused_and_change_nothing():
    draw = DrawnDrawFactory()
    first, second = (Invitation.objects.select_related("user").get(pk=i.pk) for i in _send(draw)[:2])
    with pytest.raises(PermissionDenied):
        services.answer_invitation(invitation=first, user=second.user, accept=True)
    with pytest.raises(PermissionDenied):
        services.answer_invitation(invitation=first, token="not-the-token", accept=True)
    services.answer_invitation(invitation=first, user=first.user, accept=True)
    with pytest.raises(InvitationError) as twice, translation.override("en"):
        services.answer_invitation(invitation=first, user=first.user, accept=False)
    assert twice.value.code == "answered"
    Invitation.objects.filter(pk=second.pk).update(deadline_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvitationError) as late, translation.override("en"):
        services.answer_invitation(invitation=second, token=second.token, accept=True)
    assert late.value.code == "late" and "deadline to answer passed" in late.value.messages[0]
    assert list(Invitation.objects.order_by("seat").values_list("state", flat=True)) == [
        "confirmed", "invited", "invited", "invited"]


def test_expiry_replaces_like_a_decline_and_running_it_twice_changes_nothing_more():
    draw = DrawnDrawFactory()
    sent = _send(draw)
    week = sent[0].deadline_at - sent[0].created_at  # seven days and a moment have passed for two of them:
    Invitation.objects.filter(pk__in=[sent[0].pk, sent[2].pk]).update(
        created_at=timezone.now() - week - timedelta(minutes=1), deadline_at=timezone.now() - timedelta(minutes=1))
    assert tasks.expire_invitations.delay().get() == 2
    assert services.expire_due_invitations() == 0
    tasks.sweep_rounds.delay()  # the beat's sweep runs it too: still nothing more
    states = dict(Invitation.objects.values_list("pk", "state"))
    assert states[sent[0].pk] == states[sent[2].pk] == "expired"
    assert Invitation.objects.count() == 6 and set(_active(draw)) == {1, 2, 3, 4}
    late = Invitation.objects.filter(replaces__isnull=False)
    assert all(i.deadline_at > timezone.now() + timedelta(days=6) for i in late)


def test_staff_record_a_confirmed_member_dropping_out_with_a_reason_and_the_seat_is_replaced():
    draw = DrawnDrawFactory()
    admin = AdminFactory()
    invited = Invitation.objects.select_related("user").get(pk=_send(draw)[0].pk)
    with pytest.raises(InvitationError) as not_confirmed:
        services.withdraw_invitation(invitation=invited, actor=admin, reason="moved away")
    assert not_confirmed.value.code == "illegal"
    services.answer_invitation(invitation=invited, user=invited.user, accept=True)
    with pytest.raises(PermissionDenied):
        services.withdraw_invitation(invitation=invited, actor=invited.user, reason="moved away")
    with pytest.raises(InvitationError):
        services.withdraw_invitation(invitation=invited, actor=admin, reason="  ")
    services.withdraw_invitation(invitation=invited, actor=admin, reason="moved away")
    invited.refresh_from_db()
    assert invited.state == "withdrawn" and invited.reason == "moved away"
    assert Invitation.objects.get(replaces=invited).seat == invited.seat


def test_the_command_prints_the_same_replacements_as_the_web(tmp_path):
    # A real draw: the command draws the panel again from the seed before it replaces anyone.
    admin = AdminFactory()
    draw = services.prepare_draw(pool=_pool(), title="Night buses jury", size=4, quotas_text=QUOTAS, actor=admin,
                                 algorithm="legacy")
    draw = services.perform_draw(draw=draw, public_values="9319/2 5 8 10 12", actor=admin)
    sent = _send(draw)
    for invitation in (sent[2], sent[0]):
        services.answer_invitation(invitation=invitation, token=invitation.token, accept=False)
    services.answer_invitation(invitation=(again := Invitation.objects.get(replaces=sent[2])), token=again.token,
                     accept=False)
    people, quotas = tmp_path / "people.csv", tmp_path / "quotas.csv"
    people.write_text(draw.people_csv)
    quotas.write_text(draw.quotas_csv)
    out = io.StringIO()
    call_command("draw", str(people), str(quotas), "--size", "4", "--seed", draw.public_values,
                 "--algorithm", "legacy", "--replace", f"{sent[2].person_id},{sent[0].person_id},{again.person_id}",
                 stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "->" in line]
    expected = [(i.replaces.person_id, i.person_id, i.reserve_position)
                for i in Invitation.objects.filter(replaces__isnull=False).select_related("replaces").order_by("pk")]
    assert [re.match(r"(\S+) -> (\S+) \(reserve position (\d+)", line).groups() for line in lines] == [
        (a, b, str(p)) for a, b, p in expected]


# --- concurrency (PostgreSQL row locks) ---------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_declines_at_once_never_seat_the_same_reserve_person_twice_or_two_in_one_seat():
    assert connection.vendor == "postgresql", "needs PostgreSQL (row locks); run under tests/services/with-services.sh"
    # Everyone alike: every decline wants the same first reserve person, so a race would show.
    admin = AdminFactory()
    pool = services.import_pool(name="Alike", text="id,zone\n" + "".join(f"p{n:02},north\n" for n in range(12)),
                                actor=admin)
    draw = DrawnDrawFactory(pool=pool, title="Alike", size=4, created_by=admin, public_values="5/6",
                            quotas_text="feature,value,min,max\nzone,north,0,12\n")
    sent = _send(draw)
    calls = [(lambda i=i: services.answer_invitation(invitation=i, token=i.token, accept=False)) for i in sent]
    calls += [lambda: services.answer_invitation(invitation=sent[0], token=sent[0].token, accept=False)]  # the same twice
    errors = run_together(*calls)
    assert len(errors) == 1 and isinstance(errors[0], InvitationError) and errors[0].code == "answered"
    replacements = list(Invitation.objects.filter(replaces__isnull=False))
    assert len(replacements) == 4 and len({i.person_id for i in replacements}) == 4
    assert {i.person_id for i in replacements} == set(_reserve(draw)[:4])  # the first four, one each
    assert sorted(_active(draw)) == [1, 2, 3, 4]
    assert Invitation.objects.filter(draw=draw, state="invited").count() == 4


# --- pages ---------------------------------------------------------------------------------------------

ROLES = ["anonymous", "other citizen", "invited citizen", "token holder", "staff"]
# (role, action) -> (HTTP status, whether the action took effect)
MATRIX = {
    ("anonymous", "view"): (302, False), ("other citizen", "view"): (200, False),
    ("invited citizen", "view"): (200, True), ("token holder", "view"): (200, True), ("staff", "view"): (200, False),
    ("anonymous", "confirm"): (302, False), ("other citizen", "confirm"): (403, False),
    ("invited citizen", "confirm"): (302, True), ("token holder", "confirm"): (302, True),
    ("staff", "confirm"): (403, False),
    ("anonymous", "decline"): (302, False), ("other citizen", "decline"): (403, False),
    ("invited citizen", "decline"): (302, True), ("token holder", "decline"): (302, True),
    ("staff", "decline"): (403, False),
    ("anonymous", "withdraw"): (302, False), ("other citizen", "withdraw"): (403, False),
    ("invited citizen", "withdraw"): (403, False), ("token holder", "withdraw"): (302, False),
    ("staff", "withdraw"): (302, True),
    ("anonymous", "send"): (302, False), ("other citizen", "send"): (403, False),
    ("invited citizen", "send"): (403, False), ("token holder", "send"): (302, False), ("staff", "send"): (302, True),
}


@pytest.mark.parametrize(("role", "action"), MATRIX)
def test_who_may_do_what_with_invitations(client, role, action):
    admin = AdminFactory()
    draw = DrawnDrawFactory(created_by=admin)
    invitation = Invitation.objects.select_related("user").get(pk=_send(draw)[0].pk)
    fresh = _imported_draw(admin) if action == "send" else None  # drawn, nothing sent yet
    if action == "withdraw":
        services.answer_invitation(invitation=invitation, user=invitation.user, accept=True)
    login = {"other citizen": ResidentFactory(), "invited citizen": invitation.user, "staff": admin}.get(role)
    if login:
        client.force_login(login)
    by_token = role == "token holder"
    token_url = reverse("panels:invitation_token", args=[invitation.token])
    if action == "view":
        response = client.get(token_url if by_token else reverse("panels:invitations"))
        took_effect = f'id="invitation-{invitation.pk}"' in response.content.decode()
    elif action in ("confirm", "decline"):
        url = token_url if by_token else reverse("panels:invitation_answer", args=[invitation.pk])
        response = client.post(url, {"answer": action})
        invitation.refresh_from_db()
        took_effect = invitation.state == {"confirm": "confirmed", "decline": "declined"}[action]
    elif action == "withdraw":
        response = client.post(reverse("panels:invitation_withdraw", args=[draw.pk, invitation.pk]),
                               {"reason": "ill"})
        invitation.refresh_from_db()
        took_effect = invitation.state == "withdrawn"
    else:
        response = client.post(reverse("panels:invitations_send", args=[fresh.pk]),
                               {"deadline_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")})
        took_effect = fresh.invitations.count() == 3
    assert (response.status_code, took_effect) == MATRIX[role, action]
    replaced = Invitation.objects.filter(replaces=invitation).exists()
    assert replaced == (took_effect and action in ("decline", "withdraw"))


def test_bad_answers_over_http_say_why_and_change_nothing(client):
    draw = DrawnDrawFactory()
    first, second = (Invitation.objects.select_related("user").get(pk=i.pk) for i in _send(draw)[:2])
    client.force_login(first.user)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="pending-invitations">1<' in page  # the user menu's count
    response = client.post(reverse("panels:invitation_answer", args=[second.pk]), {"answer": "decline"})
    assert response.status_code == 403 and "This invitation is not yours." in response.content.decode()
    for posted in ({}, {"answer": "maybe"}):  # a missing or unknown answer is not a decline
        response = client.post(reverse("panels:invitation_answer", args=[first.pk]), posted)
        assert response.status_code == 400 and "Choose whether you take part or decline." in response.content.decode()
    client.post(reverse("panels:invitation_answer", args=[first.pk]), {"answer": "confirm"})
    response = client.post(reverse("panels:invitation_answer", args=[first.pk]), {"answer": "decline"})
    assert response.status_code == 400 and "already been answered" in response.content.decode()
    Invitation.objects.filter(pk=second.pk).update(deadline_at=timezone.now() - timedelta(minutes=5))
    response = client.post(reverse("panels:invitation_token", args=[second.token]), {"answer": "confirm"})
    assert response.status_code == 400 and "The deadline to answer passed" in response.content.decode()
    assert dict(Invitation.objects.values_list("pk", "state")) == {
        **{i.pk: "invited" for i in Invitation.objects.all()}, first.pk: "confirmed"}
    assert client.get(reverse("panels:invitation_token", args=["no-such-token"])).status_code == 404


def test_the_record_shows_counts_and_replacements_to_everyone_and_the_people_only_to_staff(client):
    admin = AdminFactory()
    draw = _imported_draw(admin)
    invitations = {i.person_id: i for i in _send(draw)}
    assert "No seat has been left so far." in client.get(reverse("panels:draw", args=[draw.pk])).content.decode()
    woman = next(i for p, i in invitations.items() if p in IMPORTED_IDS[:2])
    services.answer_invitation(invitation=woman, token=woman.token, accept=False)
    man = invitations["person-delta-1064"]
    services.answer_invitation(invitation=man, token=man.token, accept=False)
    other = invitations["person-charlie-9953"]
    services.answer_invitation(invitation=other, token=other.token, accept=True)
    page = client.get(reverse("panels:draw", args=[draw.pk])).content.decode()
    assert f"Seat {woman.seat}: replaced by reserve position 1 (quotas kept)" in page
    assert f"Seat {man.seat}: open." in page and "no one is left in the reserve" in page
    assert "No seat has been left so far." not in page
    assert re.search(r'data-state="declined">2<', page) and re.search(r'data-state="confirmed">1<', page)
    assert "SHA-256 of the draw&#x27;s RFC 3797 key string" in page or "SHA-256 of the draw's RFC 3797 key" in page
    assert "Not every quota holds yet" in page  # one man confirmed, the minimum is 2
    assert not any(person in page for person in IMPORTED_IDS)
    assert 'data-testid="seats"' not in page
    client.force_login(admin)
    staff_page = client.get(reverse("panels:draw", args=[draw.pk])).content.decode()
    assert 'data-testid="seats"' in staff_page and all(p in staff_page for p in invitations)
    assert reverse("panels:invitation_withdraw", args=[draw.pk, other.pk]) in staff_page


def test_staff_download_the_letters_with_each_open_invitations_link_and_no_one_else_can(client):
    admin = AdminFactory()
    draw = _imported_draw(admin)
    sent = _send(draw)
    services.answer_invitation(invitation=sent[0], token=sent[0].token, accept=True)
    url = reverse("panels:invitation_letters", args=[draw.pk])
    client.force_login(ResidentFactory())
    assert client.get(url).status_code == 403
    client.force_login(admin)
    rows = client.get(url).content.decode("utf-8-sig").splitlines()
    assert rows[0] == "seat,person_id,has_account,deadline,link" and len(rows) == 3  # the confirmed one is not there
    assert all(i.token in "\n".join(rows) for i in sent[1:]) and sent[0].token not in "\n".join(rows)
    assert rows[1].endswith(reverse("panels:invitation_token", args=[sent[1].token]))


def test_a_refused_send_shows_the_draws_page_again_with_what_was_typed(client):
    draw = DrawnDrawFactory()
    client.force_login(AdminFactory())
    url = reverse("panels:invitations_send", args=[draw.pk])
    response = client.post(url, {"deadline_at": "next tuesday"})
    page = response.content.decode()
    assert response.status_code == 400 and 'value="next tuesday"' in page and "errorlist" in page
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"deadline_at": past})
    assert response.status_code == 400 and f'value="{past}"' in response.content.decode()
    assert not Invitation.objects.exists()

