"""What the identity flows need to know and change about people, memberships and tenants.

Implemented in ``adapters/identity.py``. Methods take lists of ids or keys and return mappings,
so that an adapter answers with a constant number of queries. Everything runs in the caller's
transaction; methods that lock rows say so. Refusals are raised as the kernel's errors
(``InvalidInput``, ``PermissionDenied``, ``TransitionNotAllowed`` ...).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from nexus.core.errors import InvalidInput


class AlreadyExists(InvalidInput):
    """What was to be created exists already, perhaps made by a concurrent request meanwhile."""


@dataclass(frozen=True)
class Person:
    """A user account as the flows see it."""

    id: int
    email: str
    full_name: str
    status: str  # pending_verification, active, suspended, deactivated
    is_platform_operator: bool = False

    @property
    def label(self) -> str:
        return self.email


@dataclass(frozen=True)
class NewPerson:
    """An account to create, waiting for its owner to verify the address (no password: unusable)."""

    email: str
    full_name: str = ""
    password: str | None = None


@dataclass(frozen=True)
class Member:
    """A membership: a person's place in one tenant."""

    id: int
    user_id: int
    tenant_id: int
    role: str
    status: str  # invited, active, suspended, removed


@dataclass(frozen=True)
class NewMember:
    user_id: int
    tenant_id: int
    role: str


@dataclass(frozen=True)
class Tenant:
    id: int
    slug: str
    name: str
    status: str  # active, suspended
    policies: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def policy(self, name: str, default: Any = None) -> Any:
        return self.policies.get(name, default)


@dataclass(frozen=True)
class Role:
    value: str
    label: str


@dataclass(frozen=True)
class Moved:
    """The outcome of one transition: the row as it is now, and whether it was a replay."""

    id: int
    from_state: str
    to_state: str
    replayed: bool
    log_id: int
    occurred_at: dt.datetime


class PeopleDirectory(Protocol):
    """User accounts: finding, creating, moving through their lifecycle, deleting orphans."""

    def by_email(self, emails: Sequence[str]) -> Mapping[str, Person]:
        """The people with these addresses, keyed by each address as given (matched on the login key)."""

    def by_id(self, user_ids: Sequence[int]) -> Mapping[int, Person]:
        """The people with these ids (missing ids are left out)."""

    def password_problems(self, password: str, *, email: str, full_name: str) -> list[str]:
        """What the password validators object to, for a person with this address and name."""

    def equalise_hashing_time(self, password: str) -> None:
        """Spend the time hashing ``password`` would take, so that no path is faster than another."""

    def create_pending(self, people: Sequence[NewPerson]) -> Mapping[str, Person]:
        """Create accounts pending verification; keyed by each address as given.

        A ``password`` is hashed (the production hasher); without one the password is unusable.
        Raises ``AlreadyExists`` (field ``email``) when an address is taken meanwhile.
        """

    def set_credentials(self, credentials: Mapping[int, tuple[str, str | None]]) -> None:
        """Set passwords (hashed) and, when given, full names: ``{user id: (password, name or None)}``."""

    def move(
        self,
        user_ids: Sequence[int],
        transition: str,
        *,
        actor: Any,
        reason: str = "",
        idempotency_key: str = "",
    ) -> Mapping[int, Moved]:
        """Perform a lifecycle transition (activate, suspend, reinstate, deactivate, reactivate).

        Through the transition service, each person in turn (ascending id), locking their row;
        ``actor`` is a user or an ``ActorRef``. Raises the service's refusals.
        """

    def delete(self, user_ids: Sequence[int]) -> None:
        """Delete accounts with everything that is only theirs (memberships, devices, notifications)."""


class MembershipDirectory(Protocol):
    """Memberships: a person's role and status in a tenant."""

    def of_people(self, user_ids: Sequence[int], *, tenant_id: int) -> Mapping[int, Member]:
        """The memberships of these people in one tenant, keyed by user id."""

    def by_id(self, membership_ids: Sequence[int]) -> Mapping[int, Member]:
        """The memberships with these ids."""

    def counts_elsewhere(self, user_ids: Sequence[int], *, tenant_id: int) -> Mapping[int, int]:
        """How many memberships each person has in tenants other than ``tenant_id`` (0s included)."""

    def create(self, members: Sequence[NewMember]) -> Mapping[int, Member]:
        """Create invited memberships; keyed by user id. Raises ``AlreadyExists`` on a duplicate."""

    def move(
        self,
        membership_ids: Sequence[int],
        transition: str,
        *,
        actor: Any,
        reason: str = "",
        idempotency_key: str = "",
    ) -> Mapping[int, Moved]:
        """Perform a membership transition (activate, suspend, reinstate, remove, invite_again).

        Locks the tenant's administrator memberships before each membership, so that the
        last-administrator rule holds under concurrency. Raises the service's refusals.
        """

    def check_roles(self, roles: Mapping[int, str]) -> None:
        """Raise ``InvalidInput`` (field ``role``) for an unknown role or a last-administrator demotion."""

    def change_roles(self, roles: Mapping[int, str], *, actor: Any) -> Mapping[int, Member]:
        """Give memberships new roles (locks the tenants' administrators first); audited."""

    def set_roles_quietly(self, roles: Mapping[int, str]) -> None:
        """Set the role of invited memberships (not yet in force, so nothing to check or audit)."""

    def delete(self, membership_ids: Sequence[int]) -> None:
        """Delete memberships that never came into force (invited ones)."""


class TenantDirectory(Protocol):
    """Tenants and the roles a membership may have."""

    def by_slug(self, slugs: Sequence[str]) -> Mapping[str, Tenant]:
        """The tenants with these slugs."""

    def by_id(self, tenant_ids: Sequence[int]) -> Mapping[int, Tenant]:
        """The tenants with these ids."""

    def roles(self) -> Sequence[Role]:
        """Every role a membership may have, in display order."""

    def administrator_role(self) -> str:
        """The role that administers a tenant's memberships."""

    def membership_permissions(self) -> tuple[str, str]:
        """The permission names that let a role see and manage its tenant's members: (view, manage)."""
