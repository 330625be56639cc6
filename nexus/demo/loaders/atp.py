"""Demo availability: lead times learnt from the year of receipts, and promises of both kinds.

Runs after the history, through the orchestrator's own operations (``refresh_lead_times``,
``promise``). Idempotent: a tenant that already has promises gets nothing new.
"""

from decimal import Decimal

from nexus.core import scope
from nexus.sales.models import OPEN_SALES_STATES, SalesOrderLine, SalesOrderStatus, reserved_by_line
from nexus.tenancy.models import Tenant
from supply_chain_ops.coordinators.lead_times import refresh_lead_times
from supply_chain_ops.models import Promise
from supply_chain_ops.workflows import promises


def load_atp(tenant: Tenant, actor: object) -> tuple[int, int]:
    """Learn the lead times and promise one quote and one confirmed line; return (lead times, promises)."""
    with scope.tenant(tenant):
        learnt = refresh_lead_times()
        if Promise.objects.exists():
            return learnt, 0
        made = 0
        stocked = SalesOrderLine.objects.filter(dropship=False, warehouse__isnull=False).order_by("-id")
        quote = stocked.filter(order__status=SalesOrderStatus.DRAFT).first()
        if quote is not None:
            promises.promise(quote.pk, quote.quantity, actor=actor)
            made += 1
        confirmed = list(stocked.filter(order__status__in=OPEN_SALES_STATES)[:50])
        held = reserved_by_line([line.pk for line in confirmed])
        for line in confirmed:
            unreserved = line.quantity - line.shipped_quantity - held.get(line.pk, Decimal(0))
            if unreserved > 0:
                promises.promise(line.pk, unreserved, actor=actor)
                made += 1
                break
        return learnt, made
