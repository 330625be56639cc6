"""The one table of what each duty may do in the supply-chain workflows (docs/supply-chain.md).

Each workflow adds its rows here when it lands; ``apps.ready()`` hands the table to the role
grants adapter, which maps duties to the tenant's roles. Tenant administrators and operations
managers already hold every permission on tenant data; viewers read everything.
"""

from supply_chain_ops.contracts.access import Duty, DutyGrant

TRANSFERS = frozenset({"transferorder", "transferorderline"})
CROSS_DOCKS = frozenset({"crossdock", "crossdockline"})
PROMISES = frozenset({"promise"})
LEAD_TIMES = frozenset({"vendorleadtime"})
LANDED_COST_MODELS = frozenset(
    {"landedcost", "landedcostcharge", "landedcostreceipt", "landedcostallocation"}
)
DROPSHIP = frozenset({"dropshiporder", "dropshipline", "dropshipshipment", "dropshipshipmentline"})

#: What a service token bound to one vendor may hold: its integration reports the shipments of
#: that vendor's dropship lines (and sees those orders), nothing else.
VENDOR_SCOPES = frozenset({"supply_chain_ops.view_dropshiporder", "supply_chain_ops.ship_dropshiporder"})

RMAS = frozenset({"rma", "rmaline", "rmareceipt", "rmainspection", "rmareason"})

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
    # Dropship: buyers work the exception queue, send, record shipments, close and cancel;
    # sales clerks follow their customers' dropship orders.
    DutyGrant(
        Duty.BUYING, DROPSHIP, frozenset({"view", "change", "resume", "send", "ship", "close", "cancel"})
    ),
    DutyGrant(Duty.SELLING, DROPSHIP, frozenset({"view"})),
    # Cross-docks are made by the receipt listener; the warehouse ships what they staged and
    # sales sees which orders got goods.
    DutyGrant(Duty.WAREHOUSE, CROSS_DOCKS, frozenset({"view"})),
    DutyGrant(Duty.SELLING, CROSS_DOCKS, frozenset({"view"})),
    # Returns: sales clerks draft, submit and cancel them; the warehouse receives and inspects
    # the goods; accountants resolve (refunds) and close them. Approval (``approve_rma``) stays
    # with managers and administrators.
    DutyGrant(Duty.SELLING, RMAS, frozenset({"view", "add", "change", "submit", "cancel"})),
    DutyGrant(Duty.WAREHOUSE, RMAS, frozenset({"view", "change", "receive", "inspect"})),
    DutyGrant(Duty.ACCOUNTING, RMAS, frozenset({"view", "change", "resolve", "close"})),
    # Promises: sales clerks promise and release for their orders; planners see and release
    # them. Lead times are learnt, never edited: buyers and planners read them.
    DutyGrant(Duty.SELLING, PROMISES, frozenset({"view", "add", "change", "release"})),
    DutyGrant(Duty.PLANNING, PROMISES, frozenset({"view", "release"})),
    DutyGrant(Duty.BUYING, LEAD_TIMES, frozenset({"view"})),
    DutyGrant(Duty.PLANNING, LEAD_TIMES, frozenset({"view"})),
    # Planning runs: planners start them, decide their lines, approve and release them; buyers
    # see what was suggested and why.
    DutyGrant(Duty.PLANNING, PLANNING_RUNS, frozenset({"view", "change", "run", "approve", "release"})),
    DutyGrant(Duty.BUYING, PLANNING_RUNS, frozenset({"view"})),
]
