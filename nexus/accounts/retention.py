"""Retention of login records: old tokens, ended or idle devices, old password reset tokens,
expired MFA challenges."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from nexus.core.retention import register_purge_rule

from .models_access import Device, DeviceKind, LoginToken, PasswordResetToken
from .models_mfa import MfaChallenge

RETENTION_SETTING = "NEXUS_LOGIN_RECORD_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30


def login_tokens() -> QuerySet[LoginToken]:
    return LoginToken.objects.all()


def ended_devices() -> QuerySet[Device]:
    return Device.objects.filter(revoked_at__isnull=False)


def idle_devices() -> QuerySet[Device]:
    """Devices never ended but gone quiet: a session device, or a token device with no token left."""
    has_tokens = Exists(LoginToken.objects.filter(device=OuterRef("pk")))
    return Device.objects.filter(revoked_at__isnull=True).filter(Q(kind=DeviceKind.SESSION) | ~has_tokens)


def password_reset_tokens() -> QuerySet[PasswordResetToken]:
    return PasswordResetToken.objects.all()


def mfa_challenges() -> QuerySet[MfaChallenge]:
    return MfaChallenge.objects.all()


def register_login_purge_rules() -> None:
    """Register the rules, tokens before the devices they belong to.

    Tokens and reset tokens go a period after they expired; ended devices a period after they
    ended; idle devices a period after they were last seen, plus the session lifetime, so that a
    session that may still be in use keeps its device (and stays revocable). An MFA challenge
    goes as soon as it has expired: it can no longer be answered.
    """
    period = timedelta(days=getattr(settings, RETENTION_SETTING, DEFAULT_RETENTION_DAYS))
    register_purge_rule("accounts.login_tokens", login_tokens, older_than=period, field="expires_at")
    register_purge_rule("accounts.ended_devices", ended_devices, older_than=period, field="revoked_at")
    register_purge_rule(
        "accounts.idle_devices",
        idle_devices,
        older_than=period + timedelta(seconds=settings.SESSION_COOKIE_AGE),
        field="last_seen_at",
    )
    register_purge_rule(
        "accounts.password_reset_tokens", password_reset_tokens, older_than=period, field="expires_at"
    )
    register_purge_rule(
        "accounts.expired_mfa_challenges", mfa_challenges, older_than=timedelta(0), field="expires_at"
    )
