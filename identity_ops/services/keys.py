"""Keys of emailed links (verification, invitation): random, shown once, stored as digests."""

import hashlib
import secrets

KEY_BYTES = 32  # 256 bits: a fast hash is a safe way to store them


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def digest(key: str) -> str:
    """The SHA-256 hex digest kept in place of ``key``."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
