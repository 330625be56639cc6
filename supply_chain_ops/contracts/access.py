"""Who may do what in the supply-chain workflows: duties, and the tenant roles that carry them.

The orchestrator knows its own permissions (``approve_rma``, ``post_landedcost`` ...) but not
the tenant's roles, which belong to tenancy. It states, per duty, which actions on which of its
workflow models the duty implies; an adapter decides which roles carry each duty.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Duty(enum.StrEnum):
    """A kind of work in the supply chain, carried by one or more tenant roles."""

    BUYING = "buying"
    WAREHOUSE = "warehouse"
    SELLING = "selling"
    ACCOUNTING = "accounting"
    PLANNING = "planning"


@dataclass(frozen=True)
class DutyGrant:
    """Actions (``view``, ``add``, ``change``, ``delete`` or a custom permission's prefix such as
    ``approve`` for ``approve_rma``) on some of the orchestrator's models, for one duty."""

    duty: Duty
    models: frozenset[str]  # lower-case model names of supply_chain_ops
    actions: frozenset[str]


class RoleGrants(Protocol):
    def grant(self, grants: Sequence[DutyGrant]) -> None:
        """Give the tenant roles that carry each grant's duty its permissions (at start-up)."""
