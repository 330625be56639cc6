"""Demo returns: RMAs in every state on the latest shipped sales lines, a few waiting for approval.

Created through the RMA workflow as the demo administrator (who holds every permission in the
tenant, the return-window override included), so receipts, dispositions, credit notes and
replacement orders are real. Idempotent: a tenant that already has RMAs gets none.
"""

from decimal import Decimal

from django.db import transaction

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import perform_transition
from nexus.inventory.models import Warehouse, WarehouseKind
from nexus.inventory.services import add_role_locations
from nexus.sales.models import SalesOrderLine, ShipmentStatus
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import Rma, RmaReason
from supply_chain_ops.workflows import rmas

REASONS = [
    ("DAMAGED", "Arrived damaged", True),
    ("DEFECTIVE", "Does not work", True),
    ("WRONG-ITEM", "Wrong item sent", False),
    ("CHANGED-MIND", "Customer changed their mind", False),
]

#: (reason code, requested resolution, the steps it goes through), one RMA each.
PLANS: list[tuple[str, str, list[str]]] = [
    ("CHANGED-MIND", "refund", []),
    ("DAMAGED", "replacement", ["submit"]),
    ("WRONG-ITEM", "refund", ["submit"]),
    ("DEFECTIVE", "repair", ["submit"]),
    ("CHANGED-MIND", "refund", ["submit", "reject"]),
    ("WRONG-ITEM", "refund", ["cancel"]),
    ("DAMAGED", "refund", ["submit", "approve"]),
    ("DEFECTIVE", "replacement", ["submit", "approve", "receive_part"]),
    ("CHANGED-MIND", "refund", ["submit", "approve", "receive"]),
    ("DEFECTIVE", "return_to_vendor", ["submit", "approve", "receive", "inspect"]),
    ("CHANGED-MIND", "refund", ["submit", "approve", "receive", "inspect", "resolve"]),
    ("DAMAGED", "replacement", ["submit", "approve", "receive", "inspect", "resolve", "close"]),
]
QUANTITY = Decimal(2)
#: What each requested resolution's goods become on inspection.
DISPOSITIONS = {"refund": "restock", "replacement": "scrap", "repair": "repair", "return_to_vendor": "scrap"}


def load_rmas(tenant: Tenant, admin: User) -> int:
    """Create the demo's RMAs in ``tenant`` unless it has some; return how many were made."""
    with scope.tenant(tenant), transaction.atomic():
        if Rma.objects.exists():
            return 0
        for warehouse in Warehouse.objects.filter(kind=WarehouseKind.PHYSICAL, active=True):
            add_role_locations(warehouse)
        reasons = {}
        for code, name, defective in REASONS:
            reasons[code], _ = RmaReason.objects.get_or_create(
                code=code, defaults={"name": name, "defective": defective}
            )
        lines = list(
            SalesOrderLine.objects.filter(
                dropship=False,
                shipped_quantity__gte=QUANTITY,
                shipment_lines__shipment__status=ShipmentStatus.POSTED,
            )
            .order_by("-order__order_date", "-id")
            .distinct()[: len(PLANS)]
        )
        for line, (reason, resolution, steps) in zip(lines, PLANS, strict=False):
            rma = rmas.create_rma(
                sales_order_id=line.order_id,
                reason_id=reasons[reason].pk,
                requested_resolution=resolution,
                lines=[(line.pk, QUANTITY)],
                actor=admin,
                notes="Demo: a customer return.",
                window_override_reason="Demo data: accepted whatever the shipment date.",
            )
            for step in steps:
                rma = _step(rma, step, admin)
        return min(len(lines), len(PLANS))


def _step(rma: Rma, step: str, admin: User) -> Rma:
    line = rma.lines.get()
    if step == "receive_part":
        return rmas.receive(rma, {line.pk: QUANTITY / 2}, actor=admin).instance
    if step == "receive":
        return rmas.receive(rma, actor=admin).instance
    if step == "inspect":
        disposition = DISPOSITIONS[rma.requested_resolution]
        item = rmas.InspectionInput(
            line.pk, line.received_quantity, disposition, defective=disposition != "restock"
        )
        return rmas.inspect(rma, [item], actor=admin)
    if step == "approve":
        approved = rmas.approve(rma, actor=admin)
        # What the listener on the approval does after commit, done here inside the load.
        moved: Rma = perform_transition(
            approved, "await_receipt", actor=ActorRef.system("load_demo")
        ).instance
        return moved
    reason = {"reject": "Outside the warranty.", "cancel": "The customer kept the goods."}.get(step, "")
    moved = perform_transition(rma, step, actor=admin, reason=reason).instance
    return moved
