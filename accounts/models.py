"""The user model, roles, profile fields and departments (담당부서)."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import BilingualName

from .districts import District


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
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

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
        return self.display_name or _("Citizen %(id)s") % {"id": self.pk}

    @property
    def is_moderator(self) -> bool:
        return self.role in {Role.MODERATOR, Role.ADMIN} or self.is_superuser

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER and self.department_id is not None

    @property
    def is_city_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser
