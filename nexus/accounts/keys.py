"""Random keys for tokens, and the one-way digests that are stored instead of them."""

import hashlib
import secrets

# 32 random bytes: 256 bits, beyond guessing, so a fast hash is a safe way to store them.
KEY_BYTES = 32
PREFIX_LENGTH = 8


def new_key() -> str:
    """A fresh URL-safe key (43 characters)."""
    return secrets.token_urlsafe(KEY_BYTES)


def digest(key: str) -> str:
    """The SHA-256 hex digest stored in place of ``key``."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def prefix(key: str) -> str:
    """The first characters of ``key``, kept to recognise a token in lists."""
    return key[:PREFIX_LENGTH]
