"""Enrolling, checking, removing and resetting a person's second factors.

Each operation locks the rows it decides from and publishes its authentication event in the
same transaction; ``identity_ops`` listeners audit it and warn the person.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from nexus.accounts.client import UNKNOWN, ClientInfo
from nexus.accounts.models import User
from nexus.accounts.models_mfa import RecoveryCode, TotpAuthenticator
from nexus.core.errors import InvalidInput, NotFound
from nexus.core.events import publish

from . import crypto, totp
from .recovery_codes import use_recovery_code

METHOD_TOTP = "totp"
METHOD_RECOVERY_CODE = "recovery_code"
INVALID_CODE = "The code is not valid. Enter the current code from your authenticator app."


@dataclass(frozen=True)
class PendingTotp:
    """A new, unconfirmed authenticator and what the person needs to add it to their app."""

    authenticator_id: int
    secret: str
    otpauth_uri: str


def has_confirmed_mfa(user_id: int) -> bool:
    return TotpAuthenticator.objects.filter(user_id=user_id, confirmed_at__isnull=False).exists()


def begin_totp(user: User, *, label: str = "Authenticator app") -> PendingTotp:
    """Create an unconfirmed authenticator with a fresh secret (encrypted at rest)."""
    secret = totp.new_secret()
    authenticator = TotpAuthenticator.objects.create(
        user=user, label=label[:100] or "Authenticator app", encrypted_secret=crypto.encrypt_secret(secret)
    )
    return PendingTotp(authenticator.pk, secret, totp.provisioning_uri(secret, user.email))


def pending_totp(authenticator_id: int) -> PendingTotp:
    """The secret and URI of an unconfirmed authenticator (to show its QR code again)."""
    authenticator = TotpAuthenticator.objects.select_related("user").get(
        pk=authenticator_id, confirmed_at__isnull=True
    )
    secret = crypto.decrypt_secret(authenticator.encrypted_secret)
    return PendingTotp(authenticator.pk, secret, totp.provisioning_uri(secret, authenticator.user.email))


def confirm_totp(
    authenticator_id: int, code: str, *, at: dt.datetime | None = None, client: ClientInfo = UNKNOWN
) -> TotpAuthenticator:
    """Confirm an authenticator with a valid code; raise ``InvalidInput`` (field ``code``) otherwise."""
    at = at or timezone.now()
    with transaction.atomic():
        authenticator = TotpAuthenticator.objects.select_for_update().filter(pk=authenticator_id).first()
        if authenticator is None:
            raise NotFound("This authenticator no longer exists; start the enrolment again.")
        if authenticator.is_confirmed:
            return authenticator
        secret = crypto.decrypt_secret(authenticator.encrypted_secret)
        matched = totp.match_step(secret, code, at=at, after_step=authenticator.last_used_step)
        if matched is None:
            raise InvalidInput(INVALID_CODE, fields={"code": [INVALID_CODE]})
        authenticator.confirmed_at = at
        authenticator.last_used_step = matched.step
        authenticator.last_used_at = at
        authenticator.save(update_fields=["confirmed_at", "last_used_step", "last_used_at"])
        publish(
            "accounts.mfa_enrolled",
            {
                "user_id": authenticator.user_id,
                "authenticator_id": authenticator.pk,
                "method": METHOD_TOTP,
                **client.event_fields(),
            },
            tenant_id=None,
        )
    return authenticator


def verify_totp(user_id: int, code: str, *, at: dt.datetime | None = None) -> bool:
    """Accept a current code of one of the person's confirmed authenticators, once per time step.

    The authenticators are locked while checked, so the same code sent twice at once is accepted
    only once.
    """
    at = at or timezone.now()
    with transaction.atomic():
        authenticators = list(
            TotpAuthenticator.objects.select_for_update()
            .filter(user_id=user_id, confirmed_at__isnull=False)
            .order_by("pk")
        )
        for authenticator in authenticators:
            secret = crypto.decrypt_secret(authenticator.encrypted_secret)
            matched = totp.match_step(secret, code, at=at, after_step=authenticator.last_used_step)
            if matched is not None:
                authenticator.last_used_step = matched.step
                authenticator.last_used_at = at
                authenticator.save(update_fields=["last_used_step", "last_used_at"])
                return True
    return False


def verify_second_factor(user_id: int, code: str, *, at: dt.datetime | None = None) -> str | None:
    """The method that accepted ``code`` — a TOTP code, else a recovery code — or None."""
    if verify_totp(user_id, code, at=at):
        return METHOD_TOTP
    if use_recovery_code(user_id, code):
        return METHOD_RECOVERY_CODE
    return None


def remove_authenticator(user: User, authenticator_id: int, *, client: ClientInfo = UNKNOWN) -> None:
    """Remove one of the person's own authenticators; the last one takes the recovery codes with it."""
    with transaction.atomic():
        authenticator = (
            TotpAuthenticator.objects.select_for_update().filter(pk=authenticator_id, user_id=user.pk).first()
        )
        if authenticator is None:
            raise NotFound("No such authenticator.")
        was_confirmed = authenticator.is_confirmed
        authenticator.delete()
        if not has_confirmed_mfa(user.pk):
            RecoveryCode.objects.filter(user_id=user.pk).delete()
        if was_confirmed:
            publish(
                "accounts.mfa_removed",
                {
                    "user_id": user.pk,
                    "authenticator_id": authenticator_id,
                    "method": METHOD_TOTP,
                    **client.event_fields(),
                },
                tenant_id=None,
            )


def reset_mfa(user_id: int, *, operator: User, reason: str) -> int:
    """Remove every second factor of a person (platform operators); return how many authenticators.

    Raises ``InvalidInput`` without a reason. The person enrols again at their next login.
    """
    if not reason.strip():
        raise InvalidInput(
            "Say why the second factors are reset.", fields={"reason": ["This field is required."]}
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        removed, _ = TotpAuthenticator.objects.filter(user_id=user.pk).delete()
        RecoveryCode.objects.filter(user_id=user.pk).delete()
        publish(
            "accounts.mfa_reset",
            {"user_id": user.pk, "operator_id": operator.pk, "reason": reason.strip()},
            tenant_id=None,
        )
    return removed
