"""Second factors: TOTP authenticators (secret encrypted at rest), hashed recovery codes, challenges."""

from django.conf import settings
from django.db import models


class TotpAuthenticator(models.Model):
    """A person's authenticator app. Unconfirmed until a first valid code proves the enrolment.

    The secret is encrypted with the keys of ``NEXUS_MFA_ENCRYPTION_KEYS`` (``mfa.crypto``);
    ``last_used_step`` is the last accepted time step, so that a code is never accepted twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_authenticators"
    )
    label = models.CharField(max_length=100, default="Authenticator app")
    encrypted_secret = models.TextField()
    last_used_step = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id", "created_at"]
        indexes = [models.Index(fields=["user", "confirmed_at"], name="accounts_totp_user_idx")]
        verbose_name = "TOTP authenticator"

    def __str__(self) -> str:
        return f"{self.label} of {self.user}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """One single-use recovery code, stored only as a keyed one-way hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="accounts_recovery_code_uniq"),
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user}"


class MfaChallenge(models.Model):
    """The state between a right password and the second factor, until ``expires_at``.

    Kept in the database so that any worker can finish the login and no lost or flushed cache
    resets the count of wrong codes. Only the SHA-256 digest of the challenge id is stored (the id
    is a secret the client holds); ``binding`` is the digest of the client's address and user
    agent. The first right code deletes the row; expired rows are purged.
    """

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_challenges"
    )
    purpose = models.CharField(max_length=32)
    binding = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["expires_at"]
        verbose_name = "MFA challenge"

    def __str__(self) -> str:
        return f"{self.purpose} challenge of {self.user} until {self.expires_at:%Y-%m-%d %H:%M:%S}"


# The start-up check that MFA secrets can be encrypted (nexus.accounts.E001).
from .mfa import checks as _checks  # noqa: E402, F401
