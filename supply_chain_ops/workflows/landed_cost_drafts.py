"""Draft landed costs from the landed-cost lines of an approved vendor bill."""

from collections import defaultdict
from typing import Any

from django.db import transaction

from nexus.core.events import EventEnvelope
from nexus.core.models.refs import ActorRef
from supply_chain_ops import wiring
from supply_chain_ops.models import ChargeKind, LandedCostCharge
from supply_chain_ops.services.allocation import SplitMethod

from .landed_costs import ChargeInput, create_landed_cost

ACTOR = ActorRef.system("supply_chain.landed_cost_drafts")


def draft_from_approved_bill(payload: dict[str, Any], envelope: EventEnvelope) -> None:
    """One draft per set of receipts the bill's landed-cost lines name, split by received value.

    A redelivered event finds its lines already drafted (from this bill, in whatever state
    since) and drafts nothing again; a line another landed cost holds is refused by the claim.
    """
    line_ids = [line["bill_line_id"] for line in payload["lines"] if line.get("goods_receipt_ids")]
    if not line_ids:
        return
    with transaction.atomic():
        charges = wiring.costing().claim_bill_lines(sorted(line_ids))
        drafted = set(
            LandedCostCharge.objects.filter(
                bill_line_id__in=line_ids, landed_cost__source_bill_id=payload["bill_id"]
            ).values_list("bill_line_id", flat=True)
        )
        groups: dict[tuple[int, ...], list[ChargeInput]] = defaultdict(list)
        for line_id, charge in sorted(charges.items()):
            if not charge.is_landed_cost or line_id in drafted:
                continue
            kind = charge.kind if charge.kind in ChargeKind.values else ChargeKind.OTHER
            groups[charge.goods_receipt_ids].append(
                ChargeInput(kind=kind, split_method=SplitMethod.BY_VALUE, bill_line_id=line_id)
            )
        for receipt_ids, inputs in sorted(groups.items()):
            create_landed_cost(
                receipt_ids=receipt_ids,
                charges=inputs,
                actor=ACTOR,
                description=f"From vendor bill {payload['number']}",
                source_bill_id=payload["bill_id"],
            )
