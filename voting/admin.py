"""Admin: the voting settings (whether citizens may propose votes) and read-mostly records of votes.

Votes are created and moved through their lifecycle on the staff pages (/votes/manage/), where the
services check them; here they can be looked at and searched. Ballots and the roll are not shown:
a secret ballot must not be put next to its voter, even by an administrator.
"""

from django.contrib import admin

from .models import Option, Vote, VotingSettings


@admin.register(VotingSettings)
class VotingSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "citizens_may_submit")

    def has_add_permission(self, request):
        return not VotingSettings.objects.exists()  # one row only

    def has_delete_permission(self, request, obj=None):
        return False


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    can_delete = False
    fields = ("position", "label", "cost", "category", "district", "department", "description", "external_id")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "state", "opens_at", "closes_at", "department", "created_by")
    list_filter = ("state", "kind", "department")
    search_fields = ("title", "question")
    date_hierarchy = "opens_at"
    inlines = [OptionInline]
    readonly_fields = [f.name for f in Vote._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # view only: changes go through the services

    def has_delete_permission(self, request, obj=None):
        return False
