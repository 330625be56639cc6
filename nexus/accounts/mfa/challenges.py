"""The state between the password and the second factor, in the shared cache.

A challenge is created once the password was right and the person has a second factor. It lives
in the cache (Redis in production, so any worker can finish the login) for
``NEXUS_MFA_CHALLENGE_SECONDS``, is bound to the person and to the client that answered the
password (address and user agent), allows ``NEXUS_MFA_CHALLENGE_ATTEMPTS`` wrong codes, and is
consumed by the first right one: deleting the key is the atomic "only once".
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from nexus.accounts.client import ClientInfo

_PREFIX = "nexus:mfa-challenge:"


@dataclass(frozen=True)
class Challenge:
    id: str
    user_id: int
    purpose: str
    data: dict[str, Any]


class ChallengeInvalid(Exception):
    """The challenge is unknown, expired, used up, or presented by another client."""


def _binding(client: ClientInfo) -> str:
    return hashlib.sha256(f"{client.ip_address}|{client.user_agent}".encode()).hexdigest()


def _key(challenge_id: str) -> str:
    return f"{_PREFIX}{challenge_id}"


def lifetime_seconds() -> int:
    return int(settings.NEXUS_MFA_CHALLENGE_SECONDS)


def create_challenge(
    user_id: int, client: ClientInfo, *, purpose: str = "login", data: dict[str, Any] | None = None
) -> Challenge:
    """Store a new challenge for the person and this client; return it (its id goes to the client)."""
    challenge_id = secrets.token_urlsafe(32)
    record: dict[str, Any] = {
        "user_id": user_id,
        "binding": _binding(client),
        "purpose": purpose,
        "data": data or {},
    }
    timeout = lifetime_seconds()
    cache.set(_key(challenge_id), record, timeout=timeout)
    cache.set(f"{_key(challenge_id)}:failures", 0, timeout=timeout)
    return Challenge(challenge_id, user_id, purpose, record["data"])


def open_challenge(challenge_id: str, client: ClientInfo, *, purpose: str = "login") -> Challenge:
    """The live challenge for this client; raise ``ChallengeInvalid`` otherwise."""
    record = cache.get(_key(challenge_id)) if challenge_id else None
    if not record or record["purpose"] != purpose or record["binding"] != _binding(client):
        raise ChallengeInvalid()
    return Challenge(challenge_id, record["user_id"], purpose, record["data"])


def record_wrong_code(challenge: Challenge) -> int:
    """Count a wrong code; at the limit the challenge is burned. Returns the attempts left."""
    key = f"{_key(challenge.id)}:failures"
    try:
        failures = cache.incr(key)
    except ValueError:  # expired meanwhile
        failures = int(settings.NEXUS_MFA_CHALLENGE_ATTEMPTS)
    left = int(settings.NEXUS_MFA_CHALLENGE_ATTEMPTS) - failures
    if left <= 0:
        cache.delete_many([_key(challenge.id), key])
    return max(left, 0)


def consume_challenge(challenge: Challenge) -> bool:
    """Use the challenge up; False when another request already did (so only one login completes)."""
    consumed = bool(cache.delete(_key(challenge.id)))
    cache.delete(f"{_key(challenge.id)}:failures")
    return consumed
