"""Encryption of MFA secrets at rest with the keys in ``NEXUS_MFA_ENCRYPTION_KEYS``.

A ``MultiFernet`` over the configured keys: the first encrypts, any of them decrypts, so a key
is rotated by putting the new one first and re-encrypting (``rotate_secret``) before the old
one is dropped. With no key configured, the embedded SQLite mode derives one from
``SECRET_KEY`` so that a newcomer's demo works; anywhere else that is a configuration error,
reported by the ``nexus.accounts.E001`` check at start-up and raised on first use.
"""

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY_MESSAGE = (
    "NEXUS_MFA_ENCRYPTION_KEYS is not set: MFA secrets cannot be encrypted. Generate a key with "
    '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"` '
    "and set it in the environment (comma-separated, newest first, when rotating)."
)


class SecretUnreadable(Exception):
    """A stored secret was encrypted with a key that is no longer configured."""


def embedded_database() -> bool:
    return bool(settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3")


def configured_keys() -> list[str]:
    return [key for key in settings.NEXUS_MFA_ENCRYPTION_KEYS if key]


def key_problems() -> list[str]:
    """What is wrong with the configured keys (empty when they can be used)."""
    keys = configured_keys()
    if not keys:
        return [] if embedded_database() else [MISSING_KEY_MESSAGE]
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                f"NEXUS_MFA_ENCRYPTION_KEYS entry {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            )
    return problems


def _embedded_key() -> bytes:
    digest = hashlib.sha256(f"nexus-mfa-embedded:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys] if keys else [Fernet(_embedded_key())])


def fernet() -> MultiFernet:
    """The cipher for the configured keys; raise ``ImproperlyConfigured`` when they are unusable."""
    problems = key_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    return _fernet(tuple(configured_keys()))


def encrypt_secret(secret: str) -> str:
    return fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable(
            "An MFA secret cannot be decrypted with the configured NEXUS_MFA_ENCRYPTION_KEYS."
        ) from error


def rotate_secret(token: str) -> str:
    """Re-encrypt a stored secret with the first (current) key."""
    return fernet().rotate(token.encode()).decode()
