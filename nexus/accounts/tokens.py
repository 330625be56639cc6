"""Login tokens: issued to a device, found by the digest of their key, shown once."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import keys
from .models_access import Device, LoginToken

DEFAULT_TTL_MINUTES = 12 * 60
# last_used_at (and the device's last_seen_at) are written at most this often per token.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def token_ttl() -> dt.timedelta:
    """How long a login token lives (``NEXUS_LOGIN_TOKEN_TTL_MINUTES``, 12 hours by default)."""
    return dt.timedelta(minutes=getattr(settings, "NEXUS_LOGIN_TOKEN_TTL_MINUTES", DEFAULT_TTL_MINUTES))


@dataclass(frozen=True)
class IssuedToken:
    """A token as issued: ``key`` is the secret the client sends, never stored or shown again."""

    key: str
    token: LoginToken


def issue_login_token(user: Any, device: Device, *, ttl: dt.timedelta | None = None) -> IssuedToken:
    """Create a token for ``user`` on ``device``; only the key's digest is stored."""
    key = keys.new_key()
    now = timezone.now()
    token = LoginToken.objects.create(
        user=user,
        device=device,
        key_prefix=keys.prefix(key),
        digest=keys.digest(key),
        created_at=now,
        expires_at=now + (ttl or token_ttl()),
    )
    return IssuedToken(key=key, token=token)


def find_token(key: str) -> LoginToken | None:
    """The token with this key, with its user and device, whatever its state (None if unknown)."""
    if not key:
        return None
    return LoginToken.objects.select_related("user", "device").filter(digest=keys.digest(key)).first()


def touch(token: LoginToken, now: dt.datetime | None = None) -> None:
    """Note that the token (and its device) was just used, at most once per ``TOUCH_INTERVAL``."""
    moment = now or timezone.now()
    if token.last_used_at is not None and moment - token.last_used_at < TOUCH_INTERVAL:
        return
    LoginToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    Device.objects.filter(pk=token.device_id).update(last_seen_at=moment)
    token.last_used_at = moment
