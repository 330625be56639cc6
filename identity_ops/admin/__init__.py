"""The identity admin: people (platform operators), memberships, invitations and registrations per tenant.

Every button, action and form runs an identity flow; state fields are read-only everywhere.
"""

from . import invitations, memberships, people, registrations

__all__ = ["invitations", "memberships", "people", "registrations"]
