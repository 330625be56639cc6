"""Dropship orders on sales' and procurement's public services (``supply_chain_ops.contracts.dropship``).

Domain transitions run as the system on behalf of the actor (``follow_up_actor``): the dropship
order's own transition already checked the person. Notices to vendors go through the
notifications outbox, after commit.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from nexus.accounts.token_bindings import bind_vendors
from nexus.core import scope
from nexus.core.transitions import perform_transition
from nexus.core.transitions.actors import follow_up_actor
from nexus.notifications.services import notify_contact
from nexus.procurement.models import PurchaseOrder, PurchaseOrderStatus, Vendor, VendorProduct
from nexus.procurement.services import (
    DropshipLineRequest,
    create_dropship_order,
    dropship_warehouse_id,
    record_vendor_shipment,
)
from nexus.procurement.services import ShipTo as PurchaseShipTo
from nexus.sales.models import OPEN_SALES_STATES, SalesOrder
from nexus.sales.services import draft_shipment, post_shipment
from supply_chain_ops.contracts.dropship import (
    CreatedPurchaseLine,
    DeliveredLine,
    PurchaseOrderRequest,
    SalesLineFacts,
    SalesOrderFacts,
    ShipTo,
    VendorFacts,
    VendorOffer,
)

ORDER_NOTICE = "dropship_order_to_vendor"
CANCELLATION_NOTICE = "dropship_cancellation_to_vendor"


class DomainsDropship:
    def sales_order(self, order_id: int) -> SalesOrderFacts | None:
        order = SalesOrder.objects.select_related("customer").filter(pk=order_id).first()
        if order is None:
            return None
        customer = order.customer
        return SalesOrderFacts(
            id=order.pk,
            number=order.number,
            customer_id=customer.pk,
            customer_reference=order.customer_reference,
            ship_to=ShipTo(
                name=customer.name,
                address_line1=customer.address_line1,
                address_line2=customer.address_line2,
                postal_code=customer.postal_code,
                city=customer.city,
                region=customer.region,
                country=customer.country,
            ),
            lines=tuple(
                SalesLineFacts(
                    id=line.pk,
                    product_id=line.product_id,
                    sku=line.product.sku,
                    unit=line.product.unit,
                    description=line.description or line.product.name,
                    quantity=line.quantity,
                    dropship=line.dropship,
                    promised_date=line.promised_date,
                )
                for line in order.lines.select_related("product").order_by("id")
            ),
            open=order.status in OPEN_SALES_STATES,
        )

    def vendor_offers(self, product_ids: Collection[int]) -> Mapping[int, list[VendorOffer]]:
        offers: dict[int, list[VendorOffer]] = defaultdict(list)
        rows = (
            VendorProduct.objects.filter(product_id__in=product_ids, active=True, vendor__active=True)
            .select_related("vendor")
            .order_by("product_id", "priority", "id")
        )
        for terms in rows:
            offers[terms.product_id].append(
                VendorOffer(
                    vendor_id=terms.vendor_id,
                    vendor_code=terms.vendor.code,
                    product_id=terms.product_id,
                    vendor_sku=terms.vendor_sku,
                    unit_price=terms.unit_price,
                    currency=terms.currency_id,
                    lead_time_days=terms.lead_time_days,
                    priority=terms.priority,
                    minimum_order_quantity=terms.minimum_order_quantity,
                    order_multiple=terms.order_multiple,
                )
            )
        return offers

    def vendors(self, vendor_ids: Collection[int]) -> Mapping[int, VendorFacts]:
        return {
            v.pk: VendorFacts(v.pk, v.code, v.name, v.currency_id, v.active)
            for v in Vendor.objects.filter(pk__in=vendor_ids)
        }

    def has_dropship_warehouse(self) -> bool:
        return dropship_warehouse_id() is not None

    def create_purchase_orders(
        self, ship_to: ShipTo, orders: Sequence[PurchaseOrderRequest], *, reference: str
    ) -> list[CreatedPurchaseLine]:
        created: list[CreatedPurchaseLine] = []
        address = PurchaseShipTo(**vars(ship_to))
        for request in orders:
            order = create_dropship_order(
                vendor_id=request.vendor_id,
                currency=request.currency,
                ship_to=address,
                notes=f"Dropship for {reference}.",
                lines=[
                    DropshipLineRequest(
                        product_id=line.product_id,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        expected_date=line.expected_date,
                        vendor_sku=line.vendor_sku,
                        description=line.description,
                    )
                    for line in request.lines
                ],
            )
            # Lines were created in request order: their ids ascend with it.
            ids = list(order.lines.order_by("id").values_list("pk", flat=True))
            created += [
                CreatedPurchaseLine(line.line_id, order.pk, pk)
                for line, pk in zip(request.lines, ids, strict=True)
            ]
        return created

    def send_purchase_orders(
        self, purchase_order_ids: Sequence[int], *, actor: Any, customer_reference: str
    ) -> None:
        who = follow_up_actor(actor, "dropship order sent")
        for order in _locked(purchase_order_ids):
            if order.status != PurchaseOrderStatus.DRAFT:
                continue
            perform_transition(order, "send", actor=who)
            _notify(order, ORDER_NOTICE, customer_reference=customer_reference)

    def cancel_purchase_orders(
        self, purchase_order_ids: Sequence[int], *, actor: Any, reason: str, notify_vendors: bool
    ) -> list[int]:
        who = follow_up_actor(actor, "dropship order cancelled")
        cancelled = []
        for order in _locked(purchase_order_ids):
            if order.status == PurchaseOrderStatus.CANCELLED:
                continue
            was_sent = order.status != PurchaseOrderStatus.DRAFT
            perform_transition(order, "cancel", actor=who, reason=reason)
            cancelled.append(order.pk)
            if notify_vendors and was_sent:
                _notify(order, CANCELLATION_NOTICE, reason=reason)
        return cancelled

    def close_purchase_orders(self, purchase_order_ids: Sequence[int], *, actor: Any) -> None:
        who = follow_up_actor(actor, "dropship order closed")
        for order in _locked(purchase_order_ids):
            if order.status in (PurchaseOrderStatus.PARTIALLY_RECEIVED, PurchaseOrderStatus.RECEIVED):
                perform_transition(order, "close", actor=who)

    def ship(
        self,
        sales_order_id: int,
        lines: Sequence[DeliveredLine],
        *,
        tracking_number: str,
        carrier: str,
        shipped_at: dt.datetime,
        actor: Any,
    ) -> int:
        who = follow_up_actor(actor, f"vendor shipment {tracking_number}")
        with transaction.atomic():
            order = SalesOrder.objects.get(pk=sales_order_id)
            quantities: dict[int, Any] = defaultdict(int)
            for line in lines:
                quantities[line.sales_order_line_id] += line.quantity
            shipment = draft_shipment(
                order,
                dropship=True,
                quantities=dict(quantities),
                shipped_at=shipped_at,
                carrier=carrier,
                tracking_number=tracking_number,
            )
            post_shipment(shipment, actor=who)
            by_order: dict[int, dict[int, Any]] = defaultdict(dict)
            for line in lines:
                by_order[line.purchase_order_id][line.purchase_order_line_id] = line.quantity
            for purchase_order_id in sorted(by_order):
                record_vendor_shipment(
                    purchase_order_id,
                    by_order[purchase_order_id],
                    tracking_number=tracking_number,
                    carrier=carrier,
                    shipped_at=shipped_at,
                    actor=who,
                )
        return shipment.pk


def _locked(purchase_order_ids: Sequence[int]) -> list[PurchaseOrder]:
    return list(
        PurchaseOrder.objects.select_for_update()
        .select_related("vendor", "tenant")
        .filter(pk__in=purchase_order_ids)
        .order_by("id")
    )


def _notify(order: PurchaseOrder, template: str, **context: Any) -> None:
    """Ask for ``template`` to reach the order's vendor by email (vendors without one get none)."""
    vendor = order.vendor
    if not vendor.email:
        return
    lines = order.lines.select_related("product").order_by("id")
    notify_contact(
        email=vendor.email,
        name=vendor.contact_name or vendor.name,
        template=template,
        context={
            "order_number": order.number,
            "ship_to_name": order.ship_to_name,
            "ship_to_address": order.ship_to,
            "lines": [
                {
                    "quantity": f"{line.quantity.normalize():f}",
                    "description": line.description or line.product.name,
                    "vendor_sku": line.vendor_sku,
                }
                for line in lines
            ],
            "sent_on": timezone.localdate().isoformat(),
            **context,
        },
        tenant=order.tenant_id,
    )


def _vendor_exists(tenant_id: int, vendor_id: int) -> bool:
    with scope.tenant(tenant_id):
        return Vendor.objects.filter(pk=vendor_id).exists()


class AccountsVendorTokens:
    def offer_to_vendors(self, permissions: Collection[str]) -> None:
        bind_vendors(exists=_vendor_exists, scopes=permissions)
