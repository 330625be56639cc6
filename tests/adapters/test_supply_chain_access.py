"""Supply-chain duties become permissions of the tenant roles that carry them."""

import pytest

from adapters.supply_chain_access import ROLES_BY_DUTY, TenancyRoleGrants
from nexus.tenancy import roles
from nexus.tenancy.models import Role
from nexus.tenancy.roles import Grant
from supply_chain_ops.contracts.access import Duty, DutyGrant


@pytest.fixture
def role_table(monkeypatch):
    """A copy of the role table for the test, so grants given here do not outlive it."""
    table = {role: list(grants) for role, grants in roles.ROLE_GRANTS.items()}
    monkeypatch.setattr(roles, "ROLE_GRANTS", table)
    roles.role_permissions.cache_clear()
    yield table
    roles.role_permissions.cache_clear()


def test_each_duty_is_carried_by_named_roles():
    assert set(ROLES_BY_DUTY) == set(Duty)
    assert ROLES_BY_DUTY[Duty.WAREHOUSE] == (Role.WAREHOUSE_CLERK,)
    assert ROLES_BY_DUTY[Duty.ACCOUNTING] == (Role.ACCOUNTANT,)


def test_a_duty_grant_extends_exactly_the_roles_that_carry_the_duty(role_table):
    before = {role: list(grants) for role, grants in role_table.items()}

    TenancyRoleGrants().grant(
        [DutyGrant(Duty.BUYING, frozenset({"landedcost"}), frozenset({"view", "approve"}))]
    )

    added = {role: grants[len(before.get(role, [])) :] for role, grants in role_table.items()}
    assert {role: grants for role, grants in added.items() if grants} == {
        Role.PURCHASER: [
            Grant("supply_chain_ops", frozenset({"view", "approve"}), frozenset({"landedcost"}))
        ],
    }
