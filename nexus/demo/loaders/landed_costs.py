"""Demo landed costs: a few in each state on the latest goods receipts, one computed and waiting for review.

Created through the landed-cost workflow as the demo administrator (who holds every permission
in the tenant), so they carry real allocations, value moves and journals. Idempotent: a tenant
that already has landed costs gets none.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import perform_transition
from nexus.procurement.models import GoodsReceipt, GoodsReceiptStatus
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import LandedCost
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost

#: (description, the transitions it goes through, its charges as (kind, amount, currency, split)).
PLANS: list[tuple[str, list[str], list[tuple[str, str, str, str]]]] = [
    ("Ocean freight, awaiting the duty invoice", [], [("freight", "840.00", "USD", "by_weight")]),
    (
        "Freight and duty, ready for review",
        ["compute"],
        [("freight", "1250.00", "USD", "by_weight"), ("duty", "310.00", "EUR", "by_value")],
    ),
    ("Insurance, approved", ["compute", "approve"], [("insurance", "95.50", "USD", "by_value")]),
    ("Inland haulage", ["compute", "approve", "post"], [("freight", "420.00", "USD", "by_volume")]),
    (
        "Handling charged twice",
        ["compute", "approve", "post", "reverse"],
        [("handling", "60.00", "USD", "equal")],
    ),
    ("Courier surcharge, disputed", ["cancel"], [("other", "35.00", "USD", "by_quantity")]),
]


def load_landed_costs(tenant: Tenant, admin: User) -> int:
    """Create the demo's landed costs in ``tenant`` unless it has some; return how many were made."""
    with scope.tenant(tenant), transaction.atomic():
        if LandedCost.objects.exists():
            return 0
        receipts = list(
            GoodsReceipt.objects.filter(status=GoodsReceiptStatus.POSTED)
            .order_by("-received_at", "-id")
            .values_list("pk", flat=True)[: len(PLANS)]
        )
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        for receipt_id, (description, steps, charges) in zip(receipts, PLANS, strict=False):
            landed_cost = create_landed_cost(
                receipt_ids=[receipt_id],
                charges=[
                    ChargeInput(kind=kind, split_method=split, amount=Decimal(amount), currency=currency)
                    for kind, amount, currency, split in charges
                ],
                actor=ActorRef.for_user(admin),
                description=description,
                cost_date=yesterday,
            )
            for step in steps:
                reason = "Demo: charged twice by the carrier" if step in ("reverse", "cancel") else ""
                perform_transition((LandedCost, landed_cost.pk), step, actor=admin, reason=reason)
        return len(receipts)
