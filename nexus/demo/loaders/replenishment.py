"""Demo planning: a proposed replenishment run with explained lines, for a planner to review.

Runs after the year of history and the demo transfers, through the replenishment workflow as the
demo admin. The demo tenant transfers before it buys within 600 km (unless its policies say
otherwise). Idempotent: a tenant that already has a replenishment run gets nothing new.
"""

from django.db import transaction

from nexus.core import scope
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import ReplenishmentRun
from supply_chain_ops.workflows.replenishment import run_replenishment

TRANSFER_DISTANCE_POLICY = "replenishment_transfer_distance_km"
DEMO_TRANSFER_DISTANCE_KM = 600


def load_replenishment(tenant: Tenant, actor: object) -> tuple[str, int] | None:
    """Leave one proposed replenishment run: its number and line count (None: one exists)."""
    with scope.tenant(tenant), transaction.atomic():
        if ReplenishmentRun.objects.exists():
            return None
        if TRANSFER_DISTANCE_POLICY not in tenant.policies:
            tenant.policies = {**tenant.policies, TRANSFER_DISTANCE_POLICY: DEMO_TRANSFER_DISTANCE_KM}
            tenant.save(update_fields=["policies"])
        run = run_replenishment(actor=actor)
        return run.number, run.lines.count()
