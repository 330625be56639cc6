"""What the identity flows need from the login mechanisms: ending logins, password reset links.

Implemented in ``adapters/identity.py``; everything runs in the caller's transaction.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Client:
    """Where a request came from, as recorded with security events."""

    ip_address: str = ""
    user_agent: str = ""


UNKNOWN_CLIENT = Client()


@dataclass(frozen=True)
class Ended:
    """The logins ended for one person."""

    user_id: int
    tokens: int
    sessions: int


class AccessControl(Protocol):
    """Sessions, tokens and password reset links."""

    def end_logins(self, user_ids: Sequence[int], *, reason: str, actor: Any) -> Mapping[int, Ended]:
        """End every session and token of these people (locks their logins); audited."""

    def end_tenant_sessions(
        self, user_ids: Sequence[int], *, tenant_id: int, reason: str, actor: Any
    ) -> Mapping[int, Ended]:
        """End the sessions of these people whose selected tenant is ``tenant_id``; audited."""

    def suspend_service_tokens(
        self, user_ids: Sequence[int], *, tenant_id: int | None, reason: str, actor: Any
    ) -> list[int]:
        """Suspend the service tokens these people own (in the tenant, or in all; locks them); audited."""

    def resume_service_tokens(
        self, user_ids: Sequence[int], *, tenant_id: int | None, reason: str, actor: Any
    ) -> list[int]:
        """Resume their service tokens suspended for ``reason`` (locks them); audited."""

    def issue_password_resets(self, user_ids: Sequence[int]) -> Mapping[int, str]:
        """A fresh single-use reset key per person (earlier ones stop working); the keys, once."""

    def check_password_reset(self, key: str) -> None:
        """``InvalidInput`` (``token``) if a reset key is unusable; reads only, uses nothing up."""

    def redeem_password_reset(self, key: str) -> int:
        """Use up a reset key (locks it); return its person's id. ``InvalidInput`` (``token``) if unusable."""

    def announce_password_reset(self, user_id: int, client: Client) -> None:
        """Publish the password-reset authentication event (audited and alerted by its listener)."""

    def client(self, request: Any) -> Client:
        """The client of a Django or DRF request."""
