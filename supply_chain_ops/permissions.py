"""The one table of what each duty may do in the supply-chain workflows (docs/supply-chain.md).

Each workflow adds its rows here when it lands; ``apps.ready()`` hands the table to the role
grants adapter, which maps duties to the tenant's roles. Tenant administrators and operations
managers already hold every permission on tenant data; viewers read everything.
"""

from supply_chain_ops.contracts.access import Duty, DutyGrant

TRANSFERS = frozenset({"transferorder", "transferorderline"})
LANDED_COST_MODELS = frozenset(
    {"landedcost", "landedcostcharge", "landedcostreceipt", "landedcostallocation"}
)

PLANNING_RUNS = frozenset({"replenishmentrun", "replenishmentline", "balancingrun", "balancingline"})

DUTY_GRANTS: list[DutyGrant] = [
    # Transfer orders: planners draft, approve, cancel and close them; the warehouse ships,
    # receives and closes (writing off what never arrived). Steps over the API need ``change``.
    DutyGrant(Duty.PLANNING, TRANSFERS, frozenset({"view", "add", "change", "approve", "cancel", "close"})),
    DutyGrant(Duty.WAREHOUSE, TRANSFERS, frozenset({"view", "change", "ship", "receive", "close"})),
    # Landed costs: buyers draft and compute them from the bills they handle, warehouse staff
    # see what their stock carries, accountants approve, post and reverse them.
    DutyGrant(Duty.BUYING, LANDED_COST_MODELS, frozenset({"view", "add", "change"})),
    DutyGrant(Duty.WAREHOUSE, LANDED_COST_MODELS, frozenset({"view"})),
    DutyGrant(Duty.ACCOUNTING, LANDED_COST_MODELS, frozenset({"view", "add", "change", "approve", "post"})),
    # Planning runs: planners start them, decide their lines, approve and release them; buyers
    # see what was suggested and why.
    DutyGrant(Duty.PLANNING, PLANNING_RUNS, frozenset({"view", "change", "run", "approve", "release"})),
    DutyGrant(Duty.BUYING, PLANNING_RUNS, frozenset({"view"})),
]
