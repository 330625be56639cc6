"""Which rules apply to a person at login: the strictest across their active memberships.

Tenant policies (``Tenant.policies``) read here:

- ``mfa_required_roles``: roles whose members must use a second factor (default: the staff
  roles; ``[]`` turns the requirement off, ``"all"`` means every role);
- ``mfa_grace_days``: days a member under the requirement may still log in without it
  (default ``NEXUS_MFA_GRACE_DAYS``), counted from when the membership was created;
- ``session_lifetime_minutes``: the longest a login (session or token) may last;
- ``step_up_minutes``: how recent a verification must be for sensitive actions (default 10);
- ``refresh_grace_seconds``: how long a refresh may be retried with the token it just replaced
  (default ``NEXUS_REFRESH_GRACE_SECONDS``; 0 turns retries off).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from nexus.tenancy.access import usable_memberships
from nexus.tenancy.models import Membership, Tenant
from nexus.tenancy.roles import STAFF_ROLES

ALL_ROLES = "all"


@dataclass(frozen=True)
class LoginPolicy:
    """``mfa_required``: some membership requires MFA; ``enrol_by``: the end of the grace period
    (None when nothing requires MFA); ``session_lifetime``: the shortest lifetime asked for;
    ``refresh_grace``: the shortest refresh-retry grace asked for."""

    mfa_required: bool
    enrol_by: dt.datetime | None
    session_lifetime: dt.timedelta
    refresh_grace: dt.timedelta = dt.timedelta(0)

    def enrolment_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.enrol_by is not None and (now or timezone.now()) >= self.enrol_by


def _required_roles(tenant: Tenant) -> frozenset[str]:
    roles: Any = tenant.policy("mfa_required_roles", None)
    if roles is None:
        return STAFF_ROLES
    if roles == ALL_ROLES:
        return frozenset({ALL_ROLES})
    return frozenset(str(role) for role in roles)


def membership_requires_mfa(membership: Membership) -> bool:
    roles = _required_roles(membership.tenant)
    return ALL_ROLES in roles or membership.role in roles


def grace_period(tenant: Tenant) -> dt.timedelta:
    return dt.timedelta(days=int(tenant.policy("mfa_grace_days", settings.NEXUS_MFA_GRACE_DAYS)))


def default_session_lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=int(settings.NEXUS_LOGIN_TOKEN_TTL_MINUTES))


def login_policy(user: Any) -> LoginPolicy:
    """The strictest policy across the person's active memberships in active tenants (one query)."""
    required = False
    enrol_by: dt.datetime | None = None
    lifetime = default_session_lifetime()
    refresh_grace = dt.timedelta(seconds=int(settings.NEXUS_REFRESH_GRACE_SECONDS))
    for membership in usable_memberships(user):
        tenant = membership.tenant
        minutes = tenant.policy("session_lifetime_minutes", None)
        if minutes:
            lifetime = min(lifetime, dt.timedelta(minutes=int(minutes)))
        seconds = tenant.policy("refresh_grace_seconds", None)
        if seconds is not None:
            refresh_grace = min(refresh_grace, dt.timedelta(seconds=int(seconds)))
        if membership_requires_mfa(membership):
            required = True
            deadline = membership.created_at + grace_period(tenant)
            enrol_by = deadline if enrol_by is None else min(enrol_by, deadline)
    return LoginPolicy(
        mfa_required=required, enrol_by=enrol_by, session_lifetime=lifetime, refresh_grace=refresh_grace
    )


def step_up_window(tenant: Any) -> dt.timedelta:
    """The tenant's step-up window (``step_up_minutes``), 10 minutes by default or without a tenant."""
    minutes = tenant.policy("step_up_minutes", None) if isinstance(tenant, Tenant) else None
    return dt.timedelta(minutes=int(minutes or settings.NEXUS_STEP_UP_MINUTES))
