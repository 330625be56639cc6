"""The user: a person, global across tenants, who logs in with an email address."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import WorkflowModel
from nexus.core.transitions import transition_options

from .login_key import login_key


class UserStatus(models.TextChoices):
    PENDING_VERIFICATION = "pending_verification", "Pending verification"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    DEACTIVATED = "deactivated", "Deactivated"


def _platform_operator(user: Any, actor: Any) -> bool:
    """The person-level changes others may make are for platform operators only."""
    return bool(getattr(actor, "is_platform_operator", False))


def _operator_or_self(user: Any, actor: Any) -> bool:
    """The person themselves, or a platform operator."""
    return bool(getattr(actor, "is_platform_operator", False) or actor.pk == user.pk)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        # Every look-up of an account by address is an exact match on its login key.
        return self.get(login_key=login_key(username or ""))

    def by_address(self, address: str) -> "User | None":
        """The account whose login key is the address's, if any."""
        return self.filter(login_key=login_key(address)).first()

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        user.refresh_from_db(fields=["is_active"])
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("status", UserStatus.ACTIVE)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        """Create a platform operator (``createsuperuser``); ``is_superuser`` stays off."""
        extra.setdefault("status", UserStatus.ACTIVE)
        extra.setdefault("is_platform_operator", True)
        return self._create(email, password, **extra)


class User(WorkflowModel, AbstractBaseUser, PermissionsMixin):
    """A person. Belongs to tenants through memberships; never to one tenant directly.

    ``is_active`` is computed by the database from ``status`` so that Django's own queries
    and checks keep working while the lifecycle is an FSM moved by the transition service.
    ``is_superuser`` (from PermissionsMixin) is not used in normal operation: platform
    authority is the explicit ``is_platform_operator`` flag.
    """

    email = models.EmailField("email address", max_length=254)
    login_key = models.TextField(
        unique=True,
        editable=False,
        help_text="The address as compared at login, reset and sign-up (see nexus.accounts.login_key).",
    )
    full_name = models.CharField(max_length=150, blank=True)
    status = FSMField(
        max_length=32,
        choices=UserStatus.choices,
        default=UserStatus.PENDING_VERIFICATION,
        protected=False,
    )
    is_active = models.GeneratedField(
        expression=models.Q(status=UserStatus.ACTIVE),  # type: ignore[arg-type]  # Q compiles fine
        output_field=models.BooleanField(),
        db_persist=True,
    )
    is_platform_operator = models.BooleanField(
        default=False,
        help_text="Platform operators manage tenants and people across the whole platform.",
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The login key always follows the address."""
        self.login_key = login_key(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "login_key"}
        super().save(*args, **kwargs)

    def validate_unique(self, exclude: Any = None) -> None:
        """Refuse an address another account's login key already has, as an error on ``email``."""
        super().validate_unique({*(exclude or ()), "login_key"})
        if exclude and "email" in exclude:
            return
        taken = type(self)._default_manager.filter(login_key=login_key(self.email)).exclude(pk=self.pk)
        if self.email and taken.exists():
            raise ValidationError({"email": "A user with this email address already exists."})

    def __str__(self) -> str:
        return self.email

    @property
    def is_staff(self) -> bool:
        """Whether the Django admin may consider this person at all (refined per tenant)."""
        return self.is_platform_operator

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # -- lifecycle (performed only through nexus.core.transitions.perform_transition) ----------
    # The database recomputes is_active from status; the service reads it back after saving.

    @transition(
        field=status,
        source=UserStatus.PENDING_VERIFICATION,
        target=UserStatus.ACTIVE,
        permission=_platform_operator,
        custom=transition_options(label="Activate", done_label="Activated", allow_system=True),
    )
    def activate(self) -> None:
        """The person proved their email address (or an operator vouches for it)."""
        if self.email_verified_at is None:
            self.email_verified_at = timezone.now()

    @transition(
        field=status,
        source=UserStatus.ACTIVE,
        target=UserStatus.SUSPENDED,
        permission=_platform_operator,
        custom=transition_options(
            label="Suspend", done_label="Suspended", requires_reason=True, allow_system=True
        ),
    )
    def suspend(self) -> None:
        """Lock the person out everywhere for now; every session and token is revoked with it."""

    @transition(
        field=status,
        source=UserStatus.SUSPENDED,
        target=UserStatus.ACTIVE,
        permission=_platform_operator,
        custom=transition_options(label="Reinstate", done_label="Reinstated", allow_system=True),
    )
    def reinstate(self) -> None:
        """End a suspension."""

    @transition(
        field=status,
        source=[UserStatus.ACTIVE, UserStatus.SUSPENDED],
        target=UserStatus.DEACTIVATED,
        permission=_operator_or_self,
        custom=transition_options(
            label="Deactivate", done_label="Deactivated", requires_reason=True, allow_system=True
        ),
    )
    def deactivate(self) -> None:
        """Close the account (the person leaves, or an operator closes it); its history stays."""

    @transition(
        field=status,
        source=UserStatus.DEACTIVATED,
        target=UserStatus.ACTIVE,
        permission=_platform_operator,
        custom=transition_options(label="Reactivate", done_label="Reactivated", allow_system=True),
    )
    def reactivate(self) -> None:
        """Open a deactivated account again."""


# Login mechanisms keep their models in modules of their own; importing them registers them.
from .models_access import Device, DeviceKind, LoginToken, PasswordResetToken  # noqa: E402
from .models_lockout import LoginThrottle  # noqa: E402
from .models_mfa import MfaChallenge, RecoveryCode, TotpAuthenticator  # noqa: E402
from .models_tokens import ServiceToken  # noqa: E402

__all__ = [
    "Device",
    "DeviceKind",
    "LoginThrottle",
    "LoginToken",
    "MfaChallenge",
    "PasswordResetToken",
    "RecoveryCode",
    "ServiceToken",
    "TotpAuthenticator",
    "User",
    "UserManager",
    "UserStatus",
]
