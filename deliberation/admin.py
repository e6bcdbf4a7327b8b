"""Admin for live rooms: read-mostly; the clock and the chat change only through the room itself."""

from django.contrib import admin

from deliberation.rooms.models import (
    AgendaTemplate, ChatMessage, Hand, LiveAnswer, LivePoll, MoveOnVote, Question, QuestionVote, Room, RoomEvent,
    RoomMember, Round,
)
from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.panels.models import Draw, Invitation, Pool, PoolAttribute, PoolMember


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = ("position", "kind", "title", "duration_seconds", "speakers", "chat_open", "turn_seconds", "state")
    readonly_fields = ("state",)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("title", "facilitator", "access", "state", "created_at")
    list_filter = ("state", "access")
    search_fields = ("title",)
    readonly_fields = ("state", "current_round", "last_seq", "opened_at", "ended_at")
    inlines = [RoundInline]


@admin.register(RoomMember)
class RoomMemberAdmin(admin.ModelAdmin):
    list_display = ("room", "user", "role", "invited", "muted", "removed_at")
    readonly_fields = ("muted", "removed_at", "removed_by", "removed_reason")  # moderation happens in the room
    list_filter = ("role", "invited", "muted")


@admin.register(RoomEvent)
class RoomEventAdmin(admin.ModelAdmin):
    list_display = ("room", "seq", "type", "actor", "created_at")
    list_filter = ("type",)
    readonly_fields = [f.name for f in RoomEvent._meta.fields]


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ("room", "seq", "author", "body", "hidden_at")
    readonly_fields = ("room", "seq", "author", "body", "created_at", "hidden_at", "hidden_by", "hidden_reason")


@admin.register(Hand)
class HandAdmin(admin.ModelAdmin):
    list_display = ("room", "user", "state", "raised_at", "floor_given_at", "ended_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in Hand._meta.fields]


admin.site.register([AgendaTemplate, LivePoll, LiveAnswer, Question, QuestionVote, MoveOnVote])


@admin.register(PoolAttribute)
class PoolAttributeAdmin(admin.ModelAdmin):
    """The further attributes volunteers answer (e.g. housing tenure): one column each in the pool's CSV."""

    list_display = ("code", "label", "position")


@admin.register(Pool)
class PoolAdmin(admin.ModelAdmin):
    list_display = ("name", "standing", "created_at")


@admin.register(PoolMember)
class PoolMemberAdmin(admin.ModelAdmin):
    list_display = ("person_id", "pool", "source", "active", "joined_at")
    list_filter = ("pool", "source", "active")
    readonly_fields = ("pool", "person_id", "user", "attributes", "source", "joined_at", "active", "left_at")

    def has_add_permission(self, request):
        return False  # people join from the pool page or come in from a CSV


class RecordAdmin(admin.ModelAdmin):
    """A record to look at: it changes only through its services, so the admin adds, edits and deletes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Draw)
class DrawAdmin(RecordAdmin):
    """Draws are records: looked at here, made through the services (their inputs never change)."""

    list_display = ("title", "pool", "size", "algorithm", "state", "created_at", "drawn_at")
    list_filter = ("state", "algorithm")
    readonly_fields = [f.name for f in Draw._meta.fields]


from deliberation.juries.models import Jury  # noqa: E402


@admin.register(Jury)
class JuryAdmin(admin.ModelAdmin):
    """Read-only: a jury moves through its services. Ballots and the roll have no admin (they are secret)."""

    list_display = ("title", "kind", "state", "size", "verdict_rule", "facilitator", "created_at")
    list_filter = ("kind", "state", "verdict_rule")
    search_fields = ("title", "question")
    readonly_fields = ("kind", "size", "verdict_rule", "options", "room", "private_room", "state", "proposal", "draw",
                       "facilitator", "state_changed_at")

@admin.register(Invitation)
class InvitationAdmin(RecordAdmin):
    """Invitations are records: looked at here, answered and replaced only through the services (the token is
    not shown: it is the invited person's key)."""

    list_display = ("draw", "seat", "person_id", "state", "deadline_at", "reserve_position", "match")
    list_filter = ("state", "match")
    search_fields = ("person_id",)
    exclude = ("token",)
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "token"]


@admin.register(DeliberativePoll)
class DeliberativePollAdmin(RecordAdmin):
    """Polls are run from their pages (services.deliberative_polls); here they are looked at. Answers have no
    admin: the report and the anonymised downloads are how they are read."""

    list_display = ("title", "state", "control_enabled", "draw", "created_at")
    list_filter = ("state",)
    search_fields = ("title",)
    readonly_fields = [f.name for f in DeliberativePoll._meta.fields]
