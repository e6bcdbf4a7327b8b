"""Admin: categories (support windows and thresholds are configured here) and read-mostly records.

Lifecycle fields (state, counts, deadlines) are read-only: state changes go through the services,
so the timeline and notifications stay true. Moderation happens on the moderation page.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Category, Comment, Flag, FollowUp, FollowUpUpdate, ModerationAction, Notification, Proposal, Tag,
    TimelineEntry,
)


class ReadOnlyMixin:
    """For records that only services write: viewable and searchable, not editable here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "default_department", "support_window_days", "deliberation_threshold",
                    "escalation_threshold", "mayor_threshold", "answer_due_days")
    list_editable = ("support_window_days", "deliberation_threshold", "escalation_threshold", "mayor_threshold",
                     "answer_due_days")
    search_fields = ("name", "name_en", "code")
    prepopulated_fields = {"code": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("name", "name_en", "code", "default_department")}),
        (_("Support window and thresholds"), {
            "fields": ("support_window_days", "deliberation_threshold", "escalation_threshold", "mayor_threshold"),
            "description": _("Changes apply to proposals published from now on for the window; thresholds "
                             "apply to the next support counted."),
        }),
        (_("Department answer"), {"fields": ("answer_due_days",)}),
    )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "from_state", "to_state", "code", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "category", "district", "state", "support_count", "escalation_level",
                    "published_at")
    list_filter = ("state", "category", "escalation_level", "scope")
    search_fields = ("title", "author__email")
    date_hierarchy = "published_at"
    list_select_related = ("author", "category")
    raw_id_fields = ("author",)
    readonly_fields = ("author", "state", "state_before_hidden", "support_count", "escalation_level", "created_at",
                       "updated_at", "published_at", "support_closes_at", "support_closed_at",
                       "deliberation_marked_at", "escalated_at", "body")
    fields = ("title", "body", "category", "scope", "district", "tags", *readonly_fields[:3], "support_count",
              "escalation_level", "published_at", "support_closes_at", "support_closed_at",
              "deliberation_marked_at", "escalated_at", "created_at", "updated_at")
    inlines = [TimelineInline]

    def has_add_permission(self, request):
        return False  # citizens write proposals on the site, through save_draft

    def has_delete_permission(self, request, obj=None):
        return False  # hide through moderation instead: the record stays


@admin.register(Comment)
class CommentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "proposal", "author", "is_hidden", "created_at")
    list_filter = ("is_hidden",)
    search_fields = ("body", "author__email")
    list_select_related = ("proposal", "author")


@admin.register(Flag)
class FlagAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("reason", "proposal", "comment", "reporter", "created_at", "resolved_at")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    list_select_related = ("proposal", "reporter")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("action", "proposal", "comment", "moderator", "reason", "created_at")
    list_filter = ("action",)
    list_select_related = ("proposal", "moderator")


class FollowUpUpdateInline(admin.StackedInline):
    model = FollowUpUpdate
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "author", "verdict", "progress_percent", "body")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    """The department may be reassigned (and the due date moved) here; answers are given on the site."""

    list_display = ("title", "department", "level", "state", "due_at", "verdict", "progress_percent")
    list_filter = ("state", "level", "department", "verdict")
    search_fields = ("title",)
    list_select_related = ("department",)
    readonly_fields = ("proposal", "level", "state", "created_at", "answered_at", "completed_at", "verdict",
                       "progress_percent", "overdue_notified_at")
    inlines = [FollowUpUpdateInline]

    def has_add_permission(self, request):
        return False


@admin.register(FollowUpUpdate)
class FollowUpUpdateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("follow_up", "kind", "author", "verdict", "progress_percent", "created_at")
    list_filter = ("kind",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "kind", "proposal", "follow_up", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("user",)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("proposal", "kind", "from_state", "to_state", "code", "created_at")
    list_filter = ("kind",)
    list_select_related = ("proposal",)
