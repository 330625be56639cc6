"""The supply-chain duties carried by the tenant's roles (``supply_chain_ops.contracts.access``)."""

from collections.abc import Sequence

from nexus.tenancy.models import Role
from nexus.tenancy.roles import Grant, extend_role
from supply_chain_ops.contracts.access import Duty, DutyGrant

#: Which roles carry each duty (administrators and managers already hold all tenant data).
ROLES_BY_DUTY: dict[Duty, tuple[str, ...]] = {
    Duty.BUYING: (Role.PURCHASER,),
    Duty.WAREHOUSE: (Role.WAREHOUSE_CLERK,),
    Duty.SELLING: (Role.SALES,),
    Duty.ACCOUNTING: (Role.ACCOUNTANT,),
    Duty.PLANNING: (Role.PURCHASER,),
}


class TenancyRoleGrants:
    def grant(self, grants: Sequence[DutyGrant]) -> None:
        for duty_grant in grants:
            for role in ROLES_BY_DUTY[duty_grant.duty]:
                extend_role(
                    role,
                    Grant(
                        "supply_chain_ops", frozenset(duty_grant.actions), models=frozenset(duty_grant.models)
                    ),
                )
