"""Ten single-use recovery codes, shown once and stored as keyed one-way hashes."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from nexus.accounts.models_mfa import RecoveryCode

CODE_COUNT = 10
# Crockford's base32 without the look-alikes: 10 characters carry 50 bits.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
_HASH_SALT = "nexus.accounts.recovery_code"


def normalise(code: str) -> str:
    """Upper-case, without the dash or spaces people type; O and I read as 0 and 1."""
    cleaned = "".join(code.split()).replace("-", "").upper()
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


def hash_code(code: str) -> str:
    # A keyed hash, not a password hash: 50 random bits need no slow hashing, and a keyed
    # digest can be looked up directly, one query per attempt.
    return salted_hmac(_HASH_SALT, normalise(code), algorithm="sha256").hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def replace_recovery_codes(user_id: int) -> list[str]:
    """Delete the person's codes and create ten new ones; return them in clear, the only time."""
    codes = [_new_code() for _ in range(CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user_id=user_id).delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user_id=user_id, code_hash=hash_code(c)) for c in codes]
        )
    return codes


def use_recovery_code(user_id: int, code: str) -> bool:
    """Consume one unused code of the person; False when it is unknown or already used.

    One conditional UPDATE: two requests presenting the same code cannot both succeed.
    """
    if len(normalise(code)) != CODE_LENGTH:
        return False
    used = RecoveryCode.objects.filter(
        user_id=user_id, code_hash=hash_code(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return used == 1


def remaining_recovery_codes(user_id: int) -> int:
    return RecoveryCode.objects.filter(user_id=user_id, used_at__isnull=True).count()
