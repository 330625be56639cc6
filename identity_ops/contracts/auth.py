"""What the reactions to authentication events need: the people named, and warning them.

Implemented in ``adapters/identity_auth_events.py``. A method answering about several people
takes a list of ids and returns a mapping (one query).
"""

from dataclasses import dataclass
from typing import Protocol

from .mfa import Client


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    label: str


class AuthEvents(Protocol):
    """Reactions to authentication events: who the people are, and warning them."""

    def people(self, user_ids: list[int]) -> dict[int, Person]:
        """The people with these ids (missing ids are left out: deleted accounts)."""

    def security_alert(
        self, user_id: int, summary: str, *, details: str = "", client: Client | None = None, at: str = ""
    ) -> None:
        """Ask for a security notification to the person (email and in-app), after commit."""
