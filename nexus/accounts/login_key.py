"""The one login key of an account: how every address typed at login, reset or sign-up is compared.

NFKC, then a full case fold, then NFKC again, so that the key of a key is itself. The fold goes
through upper case first: Python's ``casefold`` leaves the dotless i (U+0131) alone while the
database's ``UPPER`` maps it to ``I``; folding ``upper()`` makes ``isis`` spelt with a dotless i,
a long s (U+017F) or in capitals one account (and one lockout counter).
"""

import unicodedata


def login_key(address: str) -> str:
    """The canonical key of a login address (idempotent: ``login_key(login_key(a)) == login_key(a)``)."""
    composed = unicodedata.normalize("NFKC", address.strip())
    return unicodedata.normalize("NFKC", composed.upper().casefold()).strip()
