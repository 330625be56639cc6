"""Returning goods to a vendor: one document, its lines posted out of stock at the moving average."""

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from nexus.core.audit import record_event
from nexus.core.errors import InvalidInput
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.sequences import next_number
from nexus.inventory.models import Location, MoveReason
from nexus.inventory.services import DocumentRef, MoveRequest, post_moves
from nexus.procurement.models import Vendor, VendorReturn, VendorReturnLine

VENDOR_RETURN_DOCUMENT_TYPE = "procurement.vendorreturn"
VENDOR_RETURN_NUMBER_TYPE = "VR"


def return_to_vendor(
    vendor_id: int,
    location_id: int,
    lines: Sequence[tuple[int, Decimal]],
    *,
    actor: ActorRef,
    reference: str = "",
    notes: str = "",
) -> VendorReturn:
    """Send ``(product id, quantity)`` lines back to a vendor from a location; the posted return.

    Each line leaves stock as an issue at the warehouse's moving average (its cost is kept on
    the line). Raises ``InvalidInput`` for an unknown vendor, location or empty return, and
    ``Conflict`` when the location does not hold the goods; nothing is written then.
    """
    if not lines:
        raise InvalidInput("A vendor return needs at least one line.", fields={"lines": ["Required."]})
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise InvalidInput(f"No vendor {vendor_id} in this tenant.", fields={"vendor": ["Unknown vendor."]})
    if not Location.objects.filter(pk=location_id).exists():
        raise InvalidInput(f"No location {location_id} in this tenant.", fields={"location": ["Unknown."]})
    with transaction.atomic():
        document = VendorReturn.objects.create(
            number=next_number(VENDOR_RETURN_NUMBER_TYPE),
            vendor=vendor,
            location_id=location_id,
            reference=reference[:100],
            notes=notes,
        )
        moves = post_moves(
            [
                MoveRequest(
                    product_id=product_id,
                    reason=MoveReason.ISSUE,
                    quantity=quantity,
                    from_location_id=location_id,
                    document=DocumentRef(VENDOR_RETURN_DOCUMENT_TYPE, document.pk),
                    note=f"Returned to {vendor.code}",
                )
                for product_id, quantity in lines
            ],
            actor=actor,
        )
        VendorReturnLine.objects.bulk_create(
            [
                VendorReturnLine(
                    tenant_id=document.tenant_id,
                    vendor_return=document,
                    product_id=move.product_id,
                    quantity=move.quantity,
                    cost_value=move.value,
                    stock_move=move,
                )
                for move in moves
            ]
        )
        record_event(
            "procurement.vendor_return_posted",
            actor=actor,
            obj=ObjectRef.for_instance(document),
            data={"number": document.number, "vendor": vendor.code, "lines": [[p, q] for p, q in lines]},
        )
    return document
