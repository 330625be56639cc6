"""Converting an approved requisition into draft purchase orders, one per vendor and currency.

Each line goes to its named vendor, else to the product's preferred vendor (the lowest
priority number among active terms of active vendors). Quantities are raised to the vendor's
minimum order quantity and rounded up to its order multiple; the price and currency are those
of the vendor's terms, and the expected date is the later of the needed date and today plus the
quoted lead time. A named vendor without terms for the product gets the line at price 0 in its
own currency, for the buyer to complete in the draft. A line with no vendor at all refuses the
whole conversion, naming the products.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal

from django.utils import timezone

from nexus.core.errors import TransitionNotAllowed
from nexus.core.transitions import Actor, TransitionChange, TransitionResult, perform_transition
from nexus.procurement.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    Requisition,
    RequisitionLine,
    Vendor,
    VendorProduct,
)

from .numbering import assign_number


def order_quantity(wanted: Decimal, terms: VendorProduct | None) -> Decimal:
    """``wanted`` raised to the minimum order quantity and rounded up to the order multiple."""
    if terms is None:
        return wanted
    quantity = max(wanted, terms.minimum_order_quantity)
    multiple = terms.order_multiple
    if multiple > 0:
        quantity = (quantity / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple
    return quantity.quantize(Decimal("0.0001"))


def preferred_terms(product_ids: Sequence[int]) -> dict[int, VendorProduct]:
    """Each product's preferred active terms with an active vendor (one query)."""
    found: dict[int, VendorProduct] = {}
    rows = (
        VendorProduct.objects.filter(product_id__in=product_ids, active=True, vendor__active=True)
        .select_related("vendor")
        .order_by("product_id", "priority", "id")
    )
    for terms in rows:
        found.setdefault(terms.product_id, terms)
    return found


def convert_requisition(
    requisition: Requisition | int, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> TransitionResult:
    """Convert an approved requisition; ``result.output`` is the draft purchase orders created."""
    target = requisition if isinstance(requisition, Requisition) else (Requisition, requisition)
    return perform_transition(target, "convert", actor=actor, reason=reason, idempotency_key=idempotency_key)


def create_orders(change: TransitionChange) -> list[PurchaseOrder]:
    """The writes of ``convert``: the draft purchase orders for the locked requisition's lines."""
    requisition: Requisition = change.instance
    lines = list(requisition.lines.select_related("product", "vendor").order_by("id"))
    preferred = preferred_terms([line.product_id for line in lines])
    named = _named_terms(lines)
    groups: dict[tuple[Vendor, str], list[tuple[RequisitionLine, VendorProduct | None]]] = defaultdict(list)
    missing = []
    for line in lines:
        if line.vendor is not None:
            terms = named.get((line.vendor.pk, line.product_id))
            vendor = line.vendor
        elif line.product_id in preferred:
            terms = preferred[line.product_id]
            vendor = terms.vendor
        else:
            missing.append(line.product.sku)
            continue
        currency = terms.currency_id if terms is not None else vendor.currency_id
        groups[(vendor, currency)].append((line, terms))
    if missing:
        raise TransitionNotAllowed(
            f"cannot convert: no vendor for {', '.join(sorted(set(missing)))}; name one on the line or "
            "add active vendor terms for the product"
        )
    today = timezone.localdate()
    orders = []
    for (vendor, currency), members in sorted(groups.items(), key=lambda item: (item[0][0].code, item[0][1])):
        order = PurchaseOrder(
            vendor=vendor,
            warehouse_id=requisition.warehouse_id,
            currency_id=currency,
            notes=f"From {requisition}.",
        )
        assign_number(order)
        order.save()
        PurchaseOrderLine.objects.bulk_create(
            [_order_line(order, line, terms, today) for line, terms in members]
        )
        orders.append(order)
    return orders


def _named_terms(lines: Sequence[RequisitionLine]) -> dict[tuple[int, int], VendorProduct]:
    pairs = {(line.vendor_id, line.product_id) for line in lines if line.vendor_id is not None}
    if not pairs:
        return {}
    rows = VendorProduct.objects.filter(
        vendor_id__in={v for v, _ in pairs}, product_id__in={p for _, p in pairs}
    )
    return {(row.vendor_id, row.product_id): row for row in rows if (row.vendor_id, row.product_id) in pairs}


def _order_line(
    order: PurchaseOrder, line: RequisitionLine, terms: VendorProduct | None, today: dt.date
) -> PurchaseOrderLine:
    lead_time = terms.lead_time_days if terms is not None else 0
    return PurchaseOrderLine(
        tenant_id=order.tenant_id,
        order=order,
        product_id=line.product_id,
        vendor_sku=terms.vendor_sku if terms is not None else "",
        quantity=order_quantity(line.quantity, terms),
        unit_price=terms.unit_price if terms is not None else Decimal(0),
        expected_date=max(today + dt.timedelta(days=lead_time), line.needed()),
        requisition_line=line,
    )


def create_requisition(
    *,
    warehouse_id: int,
    needed_by: dt.date,
    lines: Sequence[tuple[int, Decimal, int | None]],
    requested_by_id: int | None = None,
    notes: str = "",
) -> Requisition:
    """A draft requisition of ``(product id, quantity, vendor id or None)`` lines (planning runs
    and people alike); the caller checks products, vendors and quantities."""
    requisition = Requisition(
        warehouse_id=warehouse_id, needed_by=needed_by, requested_by_id=requested_by_id, notes=notes
    )
    assign_number(requisition)
    requisition.save()
    RequisitionLine.objects.bulk_create(
        [
            RequisitionLine(
                tenant_id=requisition.tenant_id,
                requisition=requisition,
                product_id=product_id,
                quantity=quantity,
                vendor_id=vendor_id,
            )
            for product_id, quantity, vendor_id in lines
        ]
    )
    return requisition
