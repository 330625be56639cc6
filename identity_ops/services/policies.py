"""Tenant policies of the identity flows, read from the tenant's ``policies`` with defaults.

- ``self_signup`` (bool, default false): anyone may sign up into the tenant.
- ``self_signup_role`` (default ``viewer``): the role a self sign-up receives.
- ``registration_days`` (default 7): days a sign-up may wait for its verification.
- ``invitation_days`` (default 7): days an invitation link works.
"""

import datetime as dt

from identity_ops.contracts.directory import Tenant

DEFAULT_SIGNUP_ROLE = "viewer"
DEFAULT_REGISTRATION_DAYS = 7
DEFAULT_INVITATION_DAYS = 7
MAX_DAYS = 90


def allows_self_signup(tenant: Tenant) -> bool:
    return tenant.is_active and tenant.policy("self_signup", False) is True


def self_signup_role(tenant: Tenant) -> str:
    return str(tenant.policy("self_signup_role", DEFAULT_SIGNUP_ROLE))


def _days(tenant: Tenant, name: str, default: int) -> dt.timedelta:
    value = tenant.policy(name, default)
    days = (
        value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_DAYS else default
    )
    return dt.timedelta(days=days)


def registration_period(tenant: Tenant) -> dt.timedelta:
    return _days(tenant, "registration_days", DEFAULT_REGISTRATION_DAYS)


def invitation_period(tenant: Tenant) -> dt.timedelta:
    return _days(tenant, "invitation_days", DEFAULT_INVITATION_DAYS)
