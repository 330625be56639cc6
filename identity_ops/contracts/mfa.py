"""What the MFA flows need from the accounts domain (implemented in ``adapters/identity_auth_mfa.py``)."""

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Client:
    """The request's client, as recorded in authentication events."""

    ip_address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class PendingTotp:
    """An unconfirmed authenticator: the secret and the ``otpauth://`` URI for the person's app."""

    authenticator_id: int
    secret: str
    otpauth_uri: str


class MfaAuthenticators(Protocol):
    def begin_totp(self, user_id: int, label: str) -> PendingTotp:
        """Create an unconfirmed TOTP authenticator with a new secret (encrypted at rest)."""

    def pending_totp(self, authenticator_id: int) -> PendingTotp:
        """The secret and URI of an unconfirmed authenticator."""

    def confirm_totp(
        self, authenticator_id: int, code: str, *, at: dt.datetime | None, client: Client
    ) -> None:
        """Confirm with a valid code (locks the authenticator); raise ``InvalidInput`` otherwise."""

    def discard_totp(self, authenticator_ids: list[int]) -> None:
        """Delete unconfirmed authenticators (an abandoned enrolment)."""

    def has_recovery_codes(self, user_id: int) -> bool:
        """Whether the person has unused recovery codes."""

    def replace_recovery_codes(self, user_id: int) -> list[str]:
        """Replace the person's recovery codes with ten new ones, returned in clear once."""

    def reset_mfa(self, user_id: int, *, operator_id: int, reason: str) -> int:
        """Remove every second factor of a person (a platform operator's reset); how many."""
