"""Room pages: the list, creating a room with its agenda, the live room page, opening a room, writing in
the chat without JavaScript, and the room's record with its downloads."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.refusals import show_refusal
from proposals import rules as proposal_rules

from deliberation.rooms import exports, extensions, rules, selectors as room_selectors, services
from deliberation.rooms.forms import AgendaFormSet, RoomForm
from deliberation.rooms.models import Room
from deliberation.rooms.states import RoomState, RoundState

CHAT_HISTORY = 50


def _room_for(request, pk: int) -> Room:
    """The room if this user may see it: 404 for someone else's draft, 403 when not admitted."""
    room = get_object_or_404(Room.objects.select_related("current_round", "facilitator"), pk=pk)
    if rules.is_facilitator(request.user, room):
        return room
    if room.state == RoomState.DRAFT:
        raise Http404
    refusal = rules.refuse_join(request.user, room, rules.membership(request.user, room))
    if refusal:
        raise PermissionDenied(refusal[1])
    return room


def clock_text(seconds: float | None) -> str:
    """The countdown as the page shows it before the script runs: m:ss, or h:mm:ss."""
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def room_list(request):
    """Open to anyone: the public rooms (and, signed in, the invited ones and one's own drafts) by state."""
    return render(request, "deliberation/room_list.html", {
        "sections": room_selectors.room_list_sections(user=request.user),
        "may_create": rules.may_create_room(request.user),
    })


@login_required
def room_create(request):
    if not rules.may_create_room(request.user):
        raise PermissionDenied(_("Only facilitators can create rooms."))
    form = RoomForm(request.POST or None)
    agenda = AgendaFormSet(request.POST or None, prefix="rounds")
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        data = form.cleaned_data
        try:
            room = services.create_room(
                facilitator=request.user, title=data["title"], description=data["description"],
                access=data["access"], observers_allowed=data["observers_allowed"],
                auto_advance=data["auto_advance"], rounds=agenda.rounds(),
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The room is created. Open it when you are ready to let people in."))
            return redirect("rooms:room", pk=room.pk)
    return render(request, "deliberation/room_form.html", {"form": form, "agenda": agenda})


@login_required
def room_detail(request, pk: int):
    room = _room_for(request, pk)
    last_seq = room.last_seq  # read before the chat, so every message shown is at or below it
    chat = room_selectors.recent_chat(room=room, up_to_seq=last_seq, limit=CHAT_HISTORY)
    current = room.current_round
    if current is not None and current.state not in (RoundState.RUNNING, RoundState.PAUSED):
        current = None
    now = timezone.now()
    left = current.seconds_left(now) if current else None
    is_facilitator = rules.is_facilitator(request.user, room)
    return render(request, "deliberation/room.html", {
        "room": room, "rounds": room.rounds.order_by("position"), "current": current, "chat": chat,
        "last_seq": last_seq, "now": now, "seconds_left": left, "clock_text": clock_text(left),
        "is_facilitator": is_facilitator, "controls": rules.facilitator_controls(request.user, room),
        "floor_stats": room_selectors.floor_stats(room) if is_facilitator else None,
        "chat_refusal": _chat_refusal(request.user, room),
        # what the no-JS chat form sent last time it was refused (chat_post), shown once
        "chat_draft": request.session.pop(chat_draft_key(room.pk), ""),
        "chat_client_id": uuid.uuid4(),  # the no-JS form's line id: posted twice, it is stored once
        "round_states": RoundState.choices, "room_states": RoomState.choices,
        **extensions.room_page_context(room),  # e.g. a jury's question and open vote (juries registers it)
    })


def _chat_refusal(user, room: Room) -> str | None:
    """Why this person cannot write now; nothing for a newcomer, who becomes a member on connecting."""
    member = rules.membership(user, room)
    if member is None and not rules.is_facilitator(user, room):
        return None
    return rules.refuse_chat(user, room, member)


@require_POST
@login_required
def room_open(request, pk: int):
    room = _room_for(request, pk)
    try:
        services.open_room(room=room, actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The room is open. People can come in; start the first round when ready."))
    return redirect("rooms:room", pk=room.pk)


# --- Chat without JavaScript ---------------------------------------------------------------------------

CHAT_DRAFT_MAX = 2000


def chat_draft_key(pk: int) -> str:
    """Session key of the text a refused no-JS chat post keeps, so the room page can put it back."""
    return f"room_chat_draft_{pk}"


@require_POST
@login_required
def chat_post(request, pk: int):
    """The room page's chat form (textarea ``body``; optional ``to_table`` = 1 for the writer's table) for a
    browser without JavaScript: the same service as the WebSocket; a refusal comes back as a message,
    with the typed text kept for the form."""
    room = _room_for(request, pk)
    body = request.POST.get("body", "")
    to_table = request.POST.get("to_table") in ("1", "on", "true")
    try:
        if rules.membership(request.user, room) is None and not rules.is_facilitator(request.user, room):
            services.join(room=room, user=request.user)  # the socket would have made them a member on connecting
        services.post_message(room=room, author=request.user, body=body, to_table=to_table,
                              client_id=request.POST.get("client_id") or None)
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
        request.session[chat_draft_key(room.pk)] = body[:CHAT_DRAFT_MAX]
    else:
        request.session.pop(chat_draft_key(room.pk), None)
    return redirect(reverse("rooms:room", args=[room.pk]) + "#chat")


# --- The room's record -----------------------------------------------------------------------------------


def _record_room_for(request, pk: int) -> Room | None:
    """The room if this viewer may read its record (rules.may_read_record); None when an anonymous
    visitor should sign in first; 404 for a draft, 403 with the reason for someone not admitted."""
    room = get_object_or_404(Room.objects.select_related("facilitator", "proposal"), pk=pk)
    member = rules.membership(request.user, room)
    if rules.may_read_record(request.user, room, member):
        return room
    if room.state == RoomState.DRAFT:
        raise Http404
    if not request.user.is_authenticated:
        return None
    refusal = rules.refuse_join(request.user, room, member)
    raise PermissionDenied(refusal[1] if refusal else _("This record is not open to you."))


def room_record(request, pk: int):
    room = _record_room_for(request, pk)
    if room is None:
        return redirect_to_login(request.get_full_path())
    record = room_selectors.room_record(room, viewer=request.user)
    for rnd in record["rounds"]:
        rnd["planned_text"], rnd["actual_text"] = clock_text(rnd["planned_seconds"]), clock_text(rnd["actual_seconds"])
    proposal = room.proposal if room.proposal and proposal_rules.may_view(request.user, room.proposal) else None
    return render(request, "deliberation/record.html", {
        "room": room, "record": record, "proposal": proposal,
        "may_enter": request.user.is_authenticated and room.state != RoomState.ENDED,
    })


def room_record_export(request, pk: int, fmt: str):
    room = _record_room_for(request, pk)
    if room is None:
        return redirect_to_login(request.get_full_path())
    return exports.record_response(room_selectors.room_record(room, viewer=request.user), fmt)
