"""The state between the password and the second factor, in the database (``MfaChallenge``).

A challenge is created once the password was right and the person has a second factor. It lives
for ``NEXUS_MFA_CHALLENGE_SECONDS`` (any worker can finish the login), is bound to the person and
to the client that answered the password (address and user agent), allows
``NEXUS_MFA_CHALLENGE_ATTEMPTS`` codes, each counted before it is checked, and is consumed by
the first right one: deleting its row is the atomic "only once". Not in the cache: a flushed
or lost cache must neither end logins half-way nor give a guesser fresh attempts.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from nexus.accounts.client import ClientInfo
from nexus.accounts.models_mfa import MfaChallenge


@dataclass(frozen=True)
class Challenge:
    id: str
    user_id: int
    purpose: str
    data: dict[str, Any]


class ChallengeInvalid(Exception):
    """The challenge is unknown, expired, used up, or presented by another client."""


_COUNT_SQL = f"""
UPDATE {MfaChallenge._meta.db_table} SET failures = failures + 1
WHERE digest = %(digest)s AND expires_at > %(now)s AND failures < %(limit)s
RETURNING failures
"""  # noqa: S608  (the table name is the model's; every value is a parameter)


def _binding(client: ClientInfo) -> str:
    return hashlib.sha256(f"{client.ip_address}|{client.user_agent}".encode()).hexdigest()


def _digest(challenge_id: str) -> str:
    return hashlib.sha256(challenge_id.encode()).hexdigest()


def lifetime_seconds() -> int:
    return int(settings.NEXUS_MFA_CHALLENGE_SECONDS)


def create_challenge(
    user_id: int, client: ClientInfo, *, purpose: str = "login", data: dict[str, Any] | None = None
) -> Challenge:
    """Store a new challenge for the person and this client; return it (its id goes to the client)."""
    challenge_id = secrets.token_urlsafe(32)
    record = MfaChallenge.objects.create(
        digest=_digest(challenge_id),
        user_id=user_id,
        purpose=purpose,
        binding=_binding(client),
        data=data or {},
        expires_at=timezone.now() + dt.timedelta(seconds=lifetime_seconds()),
    )
    return Challenge(challenge_id, user_id, purpose, record.data)


def open_challenge(challenge_id: str, client: ClientInfo, *, purpose: str = "login") -> Challenge:
    """The live challenge for this client; raise ``ChallengeInvalid`` otherwise."""
    record = (
        MfaChallenge.objects.filter(digest=_digest(challenge_id), expires_at__gt=timezone.now()).first()
        if challenge_id
        else None
    )
    if record is None or record.purpose != purpose or record.binding != _binding(client):
        raise ChallengeInvalid()
    return Challenge(challenge_id, record.user_id, purpose, record.data)


def attempt_limit() -> int:
    return int(settings.NEXUS_MFA_CHALLENGE_ATTEMPTS)


def count_attempt(challenge: Challenge) -> int:
    """Count a code against the challenge before it is checked; return the attempts left after it.

    One ``UPDATE … WHERE failures < limit RETURNING`` statement: parallel codes queue on the
    row and each sees the count the previous one left, so no more than the limit are ever
    checked. Raises ``ChallengeInvalid`` when the challenge has no attempt left (or is gone).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _COUNT_SQL, {"digest": _digest(challenge.id), "now": timezone.now(), "limit": attempt_limit()}
        )
        row = cursor.fetchone()
    if row is None:
        raise ChallengeInvalid()
    return attempt_limit() - int(row[0])


def close_challenge(challenge: Challenge) -> None:
    """Burn the challenge (no attempt left, or the account's codes are paused)."""
    MfaChallenge.objects.filter(digest=_digest(challenge.id)).delete()


def close_challenges_of(user_id: int) -> None:
    """Burn every open challenge of the person (their account's codes are paused)."""
    MfaChallenge.objects.filter(user_id=user_id).delete()


def consume_challenge(challenge: Challenge) -> bool:
    """Use the challenge up; False when another request already did (so only one login completes)."""
    deleted, _ = MfaChallenge.objects.filter(
        digest=_digest(challenge.id), expires_at__gt=timezone.now()
    ).delete()
    return deleted > 0
