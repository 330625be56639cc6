"""Token families: a device's login tokens, refreshed in turn, with replay detection.

A token login opens a token ``Device``; its tokens form one family and only the newest is live.
``rotate`` replaces it, and the replaced token stops working at once. A replaced token that is
presented again — by a thief, or by a client that lost a race — ends the whole family (the
device and its tokens), is published as ``accounts.token_replayed``, and the person is warned.

Except a retried refresh: a client whose refresh answer was lost sends the same refresh again.
Within the refresh grace period (``LoginPolicy.refresh_grace``, a tenant policy) the replaced
token may refresh once more and gets the *same* successor back — its key is kept encrypted
(Fernet, as MFA secrets are) on the replaced token for that purpose — as long as that successor
is still the family's live token. Presented for anything else, or after the grace, it is a
replay as before.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nexus.core.errors import NotFound, PermissionDenied
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef

from .client import ClientInfo
from .mfa.authenticators import has_confirmed_mfa
from .mfa.crypto import SecretUnreadable, decrypt_secret, encrypt_secret
from .mfa.policy import login_policy
from .models import Device, DeviceKind, LoginToken, User
from .revocation import end_device, revoke_access
from .tokens import IssuedToken, find_token, issue_login_token

REASON_REPLAY = "token_replayed"
REASON_LIMIT = "login_limit"
REASON_OTHERS_REVOKED = "others_revoked"
REASON_BY_ADMIN = "revoked_by_admin"
REASON_REVOKED = "revoked"


REPLAYED_MESSAGE = "This token was already replaced by a refresh; the login has been ended as a precaution."


class MfaEnrolmentRequired(PermissionDenied):
    code = "mfa_enrolment_required"
    default_detail = (
        "A tenant you belong to requires a second factor: set one up (POST /api/v1/auth/mfa/totp/) first."
    )


def enrolment_allowed(request: Any) -> bool:
    """Whether the request's view may be used by a login limited to enrolling a second factor."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "mfa_enrolment_allowed", False))


def refresh_retry_allowed(request: Any) -> bool:
    """Whether the request's view may receive a token just replaced (the refresh, for its retries)."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "refresh_retry_allowed", False))


def enrolment_gate_holds(device: Device) -> bool:
    """Whether the login is still limited to enrolling: released once a factor is confirmed."""
    if not device.enrolment_only:
        return False
    if not has_confirmed_mfa(device.user_id):
        return True
    Device.objects.filter(pk=device.pk).update(enrolment_only=False)
    device.enrolment_only = False
    return False


class TokenReplayed(Exception):
    """An already-replaced token was presented: its family has been ended."""


class TokenUnusable(Exception):
    """The token is unknown, expired, revoked, or its person is no longer active."""


@dataclass(frozen=True)
class Refreshed:
    issued: IssuedToken
    previous: LoginToken


def within_refresh_grace(token: LoginToken, now: dt.datetime) -> bool:
    """Whether a replaced token is still within its person's refresh grace period."""
    if token.replaced_at is None or not token.successor_key:
        return False
    return now - token.replaced_at <= login_policy(token.user).refresh_grace


def check_usable(
    token: LoginToken, client: ClientInfo, *, now: dt.datetime | None = None, refresh_retry: bool = False
) -> None:
    """Raise unless the token may authenticate now; a replaced one ends its family first.

    Only a refresh retried within the grace (``refresh_retry``) passes with a replaced token;
    ``rotate`` then answers it. Any other use of a replaced token is a replay.
    """
    now = now or timezone.now()
    if token.replaced_at is not None:
        if (
            refresh_retry
            and within_refresh_grace(token, now)
            and token.device.is_live
            and token.user.is_active
        ):
            return
        report_replay(token, client)
        raise TokenReplayed()
    if not token.is_live(now) or not token.device.is_live or not token.user.is_active:
        raise TokenUnusable()


def report_replay(token: LoginToken, client: ClientInfo) -> None:
    """End the family of a replaced token that was presented again; publish it once per family."""
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=token.device_id)
        if device.revoked_at is not None:
            return  # already ended (by an earlier replay, a logout or a revocation)
        end_device(device, reason=REASON_REPLAY, revoked_by=ActorRef.system("token replay detected"))
        publish(
            "accounts.token_replayed",
            {"user_id": token.user_id, "token_id": token.pk, "family_id": device.pk, **client.event_fields()},
            tenant_id=None,
        )


def rotate(found: LoginToken, client: ClientInfo, *, now: dt.datetime | None = None) -> Refreshed:
    """Replace the token by a new one of its family, living as long as the old one did.

    The family's device is locked first, so two refreshes of one token are serialised: the
    second finds it replaced and, within the refresh grace, gets the same successor back (a
    retry); after the grace, or once that successor was itself replaced, it is a replay. Raises
    ``TokenReplayed`` (the family is ended) and ``TokenUnusable`` (unknown, expired, revoked,
    person inactive).
    """
    now = now or timezone.now()
    with transaction.atomic():
        Device.objects.select_for_update().filter(pk=found.device_id).first()
        token = (
            LoginToken.objects.select_for_update(of=("self",))
            .select_related("device", "user")
            .get(pk=found.pk)
        )
        if token.replaced_at is None:
            check_usable(token, client, now=now)
            return Refreshed(_replace(token, now), token)
        retried = _successor_for_retry(token, now)
        if retried is not None:
            return Refreshed(retried, token)
    report_replay(token, client)
    raise TokenReplayed()


def _replace(token: LoginToken, now: dt.datetime) -> IssuedToken:
    """Issue the successor, keep its key (encrypted) on the replaced token for retries."""
    issued = issue_login_token(token.user, token.device, ttl=token.expires_at - token.created_at)
    token.replaced_at, token.successor_key = now, encrypt_secret(issued.key)
    token.save(update_fields=["replaced_at", "successor_key"])
    # Keys kept for retries whose grace has passed serve nothing any more.
    LoginToken.objects.filter(device_id=token.device_id, replaced_at__lt=now).exclude(pk=token.pk).exclude(
        successor_key=""
    ).update(successor_key="")
    Device.objects.filter(pk=token.device_id).update(last_seen_at=now)
    publish(
        "accounts.token_rotated",
        {
            "user_id": token.user_id,
            "token_id": issued.token.pk,
            "previous_token_id": token.pk,
            "family_id": token.device_id,
        },
        tenant_id=None,
    )
    return issued


def _successor_for_retry(token: LoginToken, now: dt.datetime) -> IssuedToken | None:
    """The successor again, if this is a retry within the grace and it is still the live token."""
    if not within_refresh_grace(token, now) or not token.device.is_live or not token.user.is_active:
        return None
    try:
        key = decrypt_secret(token.successor_key)
    except SecretUnreadable:  # its encryption key was retired meanwhile: no retry to honour
        return None
    successor = find_token(key)
    if successor is None or successor.device_id != token.device_id or not successor.is_live(now):
        return None
    if successor.replaced_at is not None:
        return None
    return IssuedToken(key=key, token=successor)


def live_logins(user_id: int, *, now: dt.datetime | None = None) -> list[Device]:
    """The person's logins that still work, most recently used first, each with its live token.

    A session device is live until ended; a token device while it has a live token. Two queries.
    """
    now = now or timezone.now()
    devices = list(
        Device.objects.filter(user_id=user_id, revoked_at__isnull=True).order_by("-last_seen_at", "-pk")
    )
    live = {
        token.device_id: token
        for token in LoginToken.objects.filter(
            device_id__in=[d.pk for d in devices],
            revoked_at__isnull=True,
            replaced_at__isnull=True,
            expires_at__gt=now,
        )
    }
    found = []
    for device in devices:
        device.live_token = live.get(device.pk)  # type: ignore[attr-defined]
        if device.kind == DeviceKind.SESSION or device.pk in live:
            found.append(device)
    return found


def enforce_login_limit(user: User, *, keep_device_id: int) -> None:
    """Beyond ``NEXUS_LOGIN_TOKEN_LIMIT_PER_USER`` live logins, end the least recently used."""
    limit = max(int(settings.NEXUS_LOGIN_TOKEN_LIMIT_PER_USER), 1)
    logins = [device for device in live_logins(user.pk) if device.pk != keep_device_id]
    for device in logins[limit - 1 :]:
        end_device(device, reason=REASON_LIMIT, revoked_by=ActorRef.system("login limit per person"))


def end_login(user: User, device_id: int, *, revoked_by: User) -> Device:
    """End one of the person's own logins (or, for ``revoked_by`` an administrator, theirs)."""
    device = Device.objects.filter(pk=device_id, user_id=user.pk, revoked_at__isnull=True).first()
    if device is None:
        raise NotFound("No such login.")
    end_device(device, reason=REASON_REVOKED, revoked_by=ActorRef.for_user(revoked_by))
    return device


def end_other_logins(user: User, *, keep_device_id: int | None, reason: str, revoked_by: ActorRef) -> int:
    """End every login of the person but ``keep_device_id``; return how many people-logins ended."""
    ended = revoke_access([user.pk], reason=reason, revoked_by=revoked_by, keep_device_id=keep_device_id)
    result = ended.get(user.pk)
    return len({*result.token_device_ids, *result.session_device_ids}) if result else 0
