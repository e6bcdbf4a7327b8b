"""Room pages: the list, creating a room with its agenda, the live room page, and opening a room."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import rules, selectors, services
from .forms import AgendaFormSet, RoomForm
from .models import Room
from .states import RoomState, RoundState

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


@login_required
def room_list(request):
    return render(request, "deliberation/room_list.html", {
        "rooms": selectors.visible_rooms(user=request.user), "may_create": rules.may_create_room(request.user),
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
            return redirect("deliberation:room", pk=room.pk)
    return render(request, "deliberation/room_form.html", {"form": form, "agenda": agenda})


@login_required
def room_detail(request, pk: int):
    room = _room_for(request, pk)
    last_seq = room.last_seq  # read before the chat, so every message shown is at or below it
    chat = selectors.recent_chat(room=room, up_to_seq=last_seq, limit=CHAT_HISTORY)
    current = room.current_round
    if current is not None and current.state not in (RoundState.RUNNING, RoundState.PAUSED):
        current = None
    now = timezone.now()
    left = current.seconds_left(now) if current else None
    return render(request, "deliberation/room.html", {
        "room": room, "rounds": room.rounds.order_by("position"), "current": current, "chat": chat,
        "last_seq": last_seq, "now": now, "seconds_left": left, "clock_text": clock_text(left),
        "is_facilitator": rules.is_facilitator(request.user, room),
        "chat_refusal": _chat_refusal(request.user, room),
        "round_states": RoundState.choices, "room_states": RoomState.choices,
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
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The room is open. People can come in; start the first round when ready."))
    return redirect("deliberation:room", pk=room.pk)
