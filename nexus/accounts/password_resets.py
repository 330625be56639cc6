"""Password reset tokens: issued for an emailed link, single use, expiring, stored as digests."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nexus.core.errors import InvalidInput

from . import keys
from .models import User
from .models_access import PasswordResetToken

DEFAULT_TTL_MINUTES = 60
INVALID_LINK = "This password reset link is not valid: it has expired or was already used. Ask for a new one."


def reset_ttl() -> dt.timedelta:
    """How long a reset link works (``NEXUS_PASSWORD_RESET_TTL_MINUTES``, an hour by default)."""
    return dt.timedelta(minutes=getattr(settings, "NEXUS_PASSWORD_RESET_TTL_MINUTES", DEFAULT_TTL_MINUTES))


def issue_password_resets(user_ids: Iterable[int]) -> dict[int, str]:
    """A fresh reset key per person (earlier unused ones stop working); returns the keys, once."""
    people = sorted(set(user_ids))
    now = timezone.now()
    issued: dict[int, str] = {}
    with transaction.atomic():
        # Only the latest link works: a person who asked twice uses the newest email.
        PasswordResetToken.objects.filter(user_id__in=people, used_at__isnull=True).update(expires_at=now)
        rows = []
        for user_id in people:
            key = keys.new_key()
            issued[user_id] = key
            rows.append(
                PasswordResetToken(
                    user_id=user_id, digest=keys.digest(key), created_at=now, expires_at=now + reset_ttl()
                )
            )
        PasswordResetToken.objects.bulk_create(rows)
    return issued


def check_password_reset(key: str) -> None:
    """Raise as ``redeem_password_reset`` would for this key, but use nothing up (reads only)."""
    usable = PasswordResetToken.objects.filter(
        digest=keys.digest(key or ""),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
        user__is_active=True,
    ).exists()
    if not usable:
        raise InvalidInput(INVALID_LINK, fields={"token": [INVALID_LINK]})


def redeem_password_reset(key: str) -> User:
    """Use up the reset token with this key; return its person, locked.

    Call inside the transaction that sets the new password, so that a refused password leaves
    the token unused. Raises ``InvalidInput`` (field ``token``) for an unknown, expired or used
    key, or a person who is no longer active.
    """
    now = timezone.now()
    token = (
        PasswordResetToken.objects.select_for_update()
        .select_related("user")
        .filter(digest=keys.digest(key or ""))
        .first()
    )
    if token is None or token.used_at is not None or token.expires_at <= now or not token.user.is_active:
        raise InvalidInput(INVALID_LINK, fields={"token": [INVALID_LINK]})
    token.used_at = now
    token.save(update_fields=["used_at"])
    return User.objects.select_for_update().get(pk=token.user_id)
