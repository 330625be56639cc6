"""TOTP enrolment: start (secret, QR code, URI) → confirm with a valid code (→ recovery codes).

The authenticator is created unconfirmed in the accounts domain when the enrolment starts and
confirmed in the same transaction as the record's ``confirm`` transition, so a wrong code
leaves both pending (the code is this call's own input, so ``confirm`` passes its writes per
call). The first confirmed factor comes with ten recovery codes, returned once. Cancelling
deletes the unconfirmed authenticator (``discard_authenticator``, the writes the ``cancel``
transition declares in ``IdentityOpsConfig.ready``).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from identity_ops.contracts.mfa import Client, PendingTotp
from identity_ops.models import MfaEnrolment, MfaEnrolmentStatus
from identity_ops.wiring import mfa_authenticators
from nexus.core.errors import NotFound
from nexus.core.transitions import TransitionChange, perform_transition


@dataclass(frozen=True)
class EnrolmentStarted:
    enrolment: MfaEnrolment
    secret: str
    otpauth_uri: str
    qr_svg: str


@dataclass(frozen=True)
class EnrolmentConfirmed:
    enrolment: MfaEnrolment
    recovery_codes: list[str]  # empty when the person already had codes


def qr_code_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (drawn locally: the secret never leaves the server)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, border=2))


def _started(enrolment: MfaEnrolment, pending: PendingTotp) -> EnrolmentStarted:
    return EnrolmentStarted(enrolment, pending.secret, pending.otpauth_uri, qr_code_svg(pending.otpauth_uri))


def start_totp_enrolment(user: Any, *, label: str = "Authenticator app") -> EnrolmentStarted:
    """Start enrolling an authenticator app; earlier pending enrolments of the person are cancelled."""
    authenticators = mfa_authenticators()
    with transaction.atomic():
        for earlier in MfaEnrolment.objects.filter(user_id=user.pk, status=MfaEnrolmentStatus.PENDING):
            perform_transition(earlier, "cancel", actor=user, reason="replaced by a new enrolment")
        pending = authenticators.begin_totp(user.pk, label)
        enrolment = MfaEnrolment.objects.create(
            user_id=user.pk,
            authenticator_id=pending.authenticator_id,
            label=label[:100] or "Authenticator app",
            expires_at=timezone.now() + dt.timedelta(seconds=settings.NEXUS_MFA_ENROLMENT_SECONDS),
        )
    return _started(enrolment, pending)


def _own_enrolment(user: Any, enrolment_id: int) -> MfaEnrolment:
    enrolment = MfaEnrolment.objects.filter(pk=enrolment_id, user_id=user.pk).first()
    if enrolment is None:
        raise NotFound("No such enrolment.")
    return enrolment


def show_pending_enrolment(user: Any, enrolment_id: int) -> EnrolmentStarted:
    """The QR code and URI of a pending enrolment again (the page was reloaded)."""
    enrolment = _own_enrolment(user, enrolment_id)
    if enrolment.status != MfaEnrolmentStatus.PENDING:
        raise NotFound("This enrolment is no longer pending.")
    return _started(enrolment, mfa_authenticators().pending_totp(enrolment.authenticator_id))


def confirm_totp_enrolment(
    user: Any, enrolment_id: int, code: str, *, client: Client, at: dt.datetime | None = None
) -> EnrolmentConfirmed:
    """Confirm with a valid code; raise ``InvalidInput`` (field ``code``) and change nothing otherwise.

    Also raises ``NotFound`` for another person's enrolment and ``TransitionNotAllowed`` (409)
    for one that is not pending or has expired.
    """
    authenticators = mfa_authenticators()
    enrolment = _own_enrolment(user, enrolment_id)

    def confirm_and_issue_codes(change: TransitionChange) -> list[str]:
        locked: MfaEnrolment = change.instance
        authenticators.confirm_totp(locked.authenticator_id, code, at=at, client=client)
        if authenticators.has_recovery_codes(locked.user_id):
            return []
        return authenticators.replace_recovery_codes(locked.user_id)

    result = perform_transition(enrolment, "confirm", actor=user, writes=confirm_and_issue_codes)
    return EnrolmentConfirmed(result.instance, result.output or [])


def cancel_enrolment(user: Any, enrolment_id: int) -> MfaEnrolment:
    """Abandon a pending enrolment; its unconfirmed authenticator is deleted."""
    enrolment = _own_enrolment(user, enrolment_id)
    instance: MfaEnrolment = perform_transition(enrolment, "cancel", actor=user).instance
    return instance


def discard_authenticator(change: TransitionChange) -> None:
    """The writes of ``cancel``: the enrolment's unconfirmed authenticator is deleted."""
    enrolment: MfaEnrolment = change.instance
    mfa_authenticators().discard_totp([enrolment.authenticator_id])
