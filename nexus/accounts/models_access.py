"""Where a person is logged in, and the secrets that prove it: devices, login tokens, reset tokens.

All three are *global* models (DESIGN.md §2): they belong to a person, not to a tenant, and every
query filters by person or by key. Secrets are never stored: a token is kept as the SHA-256 of
its key (the key has 256 bits of randomness, so a fast hash is enough), plus a short prefix to
recognise it in lists.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class DeviceKind(models.TextChoices):
    SESSION = "session", "Browser session"
    TOKEN = "token", "API token"


class Device(models.Model):
    """One login: the browser session or the API client it created, and where it came from.

    A session device keeps the Django session key, so that the person's sessions can be found
    and ended (Django's sessions cannot be queried by user); a token device owns the login
    tokens issued to it. ``tenant`` is the tenant selected when the login began, if any.
    ``revoked_at`` is set when the login is ended (logout, suspension, revocation).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    kind = models.CharField(max_length=16, choices=DeviceKind.choices)
    tenant = models.ForeignKey(
        "tenancy.Tenant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The tenant selected when the login began, if any.",
    )
    session_key = models.CharField(max_length=40, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.CharField(max_length=45, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=64, blank=True)
    # The device's tokens form one family (token_families.py). When a second factor was last
    # proved in this login (step-up), and whether it may only enrol one (MFA policy).
    mfa_verified_at = models.DateTimeField(null=True, blank=True)
    enrolment_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        indexes = [
            models.Index(fields=["user", "revoked_at"], name="accounts_device_user_idx"),
            models.Index(
                fields=["session_key"],
                condition=~models.Q(session_key=""),
                name="accounts_device_session_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.user_id} from {self.ip_address or 'an unknown address'}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class LoginToken(models.Model):
    """A bearer token for the API (``Authorization: Token <key>``), issued to one device.

    Only the digest of the key is stored. A token stops working when it expires or is revoked;
    the person behind it must also still be active, which the authentication class checks on
    every request.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_tokens")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="tokens")
    key_prefix = models.CharField(max_length=8, help_text="The first characters of the key, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=64, blank=True)
    # Set when a refresh replaced this token; presenting it again revokes the device's family,
    # except a refresh retried within the grace period, answered with the same successor.
    replaced_at = models.DateTimeField(null=True, blank=True)
    successor_key = models.TextField(
        blank=True, help_text="The key of the token that replaced this one, encrypted; for refresh retries."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "revoked_at"], name="accounts_token_user_idx"),
            models.Index(fields=["expires_at"], name="accounts_token_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"token {self.key_prefix}… of {self.user_id}"

    def is_live(self, now: dt.datetime | None = None) -> bool:
        """Neither revoked nor expired (at ``now``, default the current time)."""
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class PasswordResetToken(models.Model):
    """A single-use, expiring permission to choose a new password, sent by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_reset_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="accounts_reset_expiry_idx")]

    def __str__(self) -> str:
        return f"password reset {self.pk} of {self.user_id}"
