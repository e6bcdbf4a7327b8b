"""The user model, roles, profile fields and departments (담당부서)."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import BilingualName

from .districts import District
from .legal import ConsentKind
from .states import VerificationState


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    FACILITATOR = "facilitator", _("Facilitator")
    OFFICER = "officer", _("Department officer")
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Administrator")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Department(BilingualName, models.Model):
    """A city department that answers escalated items in its follow-up queue."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Korean)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True, default="", db_default="",
                               help_text=_("Shown on English pages; leave blank to show the Korean name."))
    is_mayor_office = models.BooleanField(
        _("mayor's office"), default=False, help_text=_("Receives items escalated to the mayor's level.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on the platform. Profile fields are optional and used only in aggregate."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="officers",
    )
    is_verified_resident = models.BooleanField(_("verified resident"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("verified by")
    )
    email_notifications = models.BooleanField(_("email notifications"), default=True)
    # The public profile page (/people/<id or handle>/): nothing is published unless the person says so.
    profile_public = models.BooleanField(_("publish a profile page"), default=False)
    profile_handle = models.SlugField(_("profile address"), max_length=30, unique=True, null=True, blank=True)
    profile_shows_proposals = models.BooleanField(_("show my proposals on my profile"), default=False)
    profile_shows_comments = models.BooleanField(_("show my comments on my profile"), default=False)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the person deleted their account: the row stays, emptied, for what they published.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="officer") | models.Q(department__isnull=False),
                name="officer_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown next to what a person writes; never the email address."""
        if self.deleted_at:
            return _("Former member")
        return self.display_name or _("Citizen %(id)s") % {"id": self.pk}

    @property
    def profile_url(self) -> str:
        """The public profile page's address once the person publishes it, else "" (their name links nowhere)."""
        if not self.profile_public:
            return ""
        return reverse("accounts:public_profile", args=[self.profile_handle or self.pk])

    @property
    def is_moderator(self) -> bool:
        return self.role in {Role.MODERATOR, Role.ADMIN} or self.is_superuser

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER and self.department_id is not None

    @property
    def is_city_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class Consent(models.Model):
    """One consent a person gave to one version of a document (and when it was withdrawn, if it was).

    Rows are never edited except to stamp ``withdrawn_at``: what someone agreed to, and when, is the
    record the law asks the city to be able to show (개인정보 보호법 제22조).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    version = models.CharField(_("document version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Only for the guardian's consent of a child under 14: who consented and how to reach them.
    guardian_name = models.CharField(_("guardian's name"), max_length=60, blank=True)
    guardian_contact = models.CharField(_("guardian's contact"), max_length=120, blank=True)

    class Meta:
        ordering = ["given_at", "pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="one_active_consent_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"

    @property
    def version_date(self):
        """A version is the date the document took effect (accounts/legal.py); None for any other label."""
        try:
            return date.fromisoformat(self.version)
        except ValueError:
            return None

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class VerificationRequest(models.Model):
    """A citizen asks a moderator to confirm that they live in Seoul (states in accounts/states.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_requests",
                             verbose_name=_("user"))
    district = models.CharField(_("district"), max_length=20, choices=District.choices)
    note = models.TextField(_("note for the moderator"), max_length=1000, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=VerificationState.choices,
                             default=VerificationState.PENDING)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("answered by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("resident verification request")
        verbose_name_plural = _("resident verification requests")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(state="pending"),
                                    name="one_pending_verification_request"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.state}"
