"""Admin for users and departments: roles, departments and resident verification (through the service)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Consent, Department, User, VerificationRequest


class UserCreateForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "is_mayor_office")
    search_fields = ("name", "name_en", "code")
    prepopulated_fields = {"code": ("name_en",)}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ("-date_joined",)
    list_display = ("email", "display_name", "role", "department", "is_verified_resident", "is_active",
                    "date_joined")
    list_filter = ("role", "department", "is_verified_resident", "is_active", "is_staff")
    search_fields = ("email", "display_name")
    readonly_fields = ("is_verified_resident", "verified_at", "verified_by", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "district", "birth_year", "gender", "email_notifications")}),
        (_("Role"), {"fields": ("role", "department")}),
        (_("Resident verification"), {"fields": ("is_verified_resident", "verified_at", "verified_by")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "role", "department")}),
    )
    actions = ["verify_residents", "revoke_verification"]

    def _set_verification(self, request, queryset, verified: bool) -> None:
        for citizen in queryset:
            services.set_resident_verification(moderator=request.user, citizen=citizen, verified=verified)
        self.message_user(request, _("%(n)d users updated.") % {"n": queryset.count()}, messages.SUCCESS)

    @admin.action(description=_("Verify as residents"))
    def verify_residents(self, request, queryset):
        self._set_verification(request, queryset, True)

    @admin.action(description=_("Revoke resident verification"))
    def revoke_verification(self, request, queryset):
        self._set_verification(request, queryset, False)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Read-only: a consent is what the person gave, not something staff edit."""

    list_display = ("user", "kind", "version", "given_at", "withdrawn_at")
    list_filter = ("kind", "version")
    search_fields = ("user__email",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    """Read-only: moderators answer on the verification page, through the service."""

    list_display = ("user", "district", "state", "created_at", "decided_at", "decided_by")
    list_filter = ("state", "district")
    search_fields = ("user__email",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
