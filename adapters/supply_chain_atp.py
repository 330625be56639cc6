"""ATP, promises, lead times and sourcing on the domains (``supply_chain_ops.contracts.atp``)."""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.editing import lock_row, refuse_unless_draft
from nexus.core.errors import InvalidInput, NotFound
from nexus.core.models.refs import ObjectRef
from nexus.core.scope import require_tenant_id
from nexus.core.transitions.actors import actor_ref
from nexus.inventory.models import Product, Warehouse, WarehouseKind
from nexus.inventory.services import ReservationRequest, reserve_up_to
from nexus.procurement.models import GoodsReceiptLine, GoodsReceiptStatus, VendorProduct, VendorShipmentLine
from nexus.procurement.services import VendorStatistics, record_vendor_statistics
from nexus.sales.models import (
    OPEN_SALES_STATES,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
    with_reserved_open,
)
from nexus.sales.services import line_source
from nexus.tenancy.models import Tenant
from supply_chain_ops.contracts.atp import (
    AtpPolicy,
    LineReservationRequest,
    OrderForSourcing,
    PeakPeriod,
    ProductRef,
    QuotedTerms,
    ReceiptHistory,
    SalesLineFacts,
    SourcingLine,
    VendorDeliveryStatistics,
    WarehouseSite,
)

ZERO = Decimal(0)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


PRODUCT_REF_FIELDS = ("pk", "sku", "name", "unit", "unit_decimals")


def _peak_periods(raw: Any) -> tuple[PeakPeriod, ...]:
    """Tenant policy ``atp_peak_periods``.

    For example ``[{"start": "2026-11-20", "end": "2026-12-24", "buffer_days": 3}]``.
    """
    periods = []
    for item in raw or ():
        try:
            periods.append(
                PeakPeriod(
                    dt.date.fromisoformat(item["start"]),
                    dt.date.fromisoformat(item["end"]),
                    int(item["buffer_days"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue  # a malformed entry adds no buffer rather than breaking every promise
    return tuple(periods)


class DomainsAtp:
    def policy(self) -> AtpPolicy:
        tenant = Tenant.objects.get(pk=require_tenant_id())
        default = AtpPolicy()
        return AtpPolicy(
            horizon_days=int(tenant.policy("atp_horizon_days", default.horizon_days)),
            min_receipts=int(tenant.policy("lead_time_min_receipts", default.min_receipts)),
            service_z=float(tenant.policy("lead_time_service_z", default.service_z)),
            peak_periods=_peak_periods(tenant.policy("atp_peak_periods")),
            allow_split=bool(tenant.policy("atp_allow_split", default.allow_split)),
            quote_validity_hours=int(tenant.policy("atp_quote_validity_hours", default.quote_validity_hours)),
        )

    def products(self, product_ids: Collection[int]) -> Mapping[int, ProductRef]:
        found = Product.objects.filter(pk__any=list(product_ids)).values_list(*PRODUCT_REF_FIELDS)
        return {row[0]: ProductRef(*row) for row in found}

    def products_by_sku(self, skus: Collection[str]) -> Mapping[str, ProductRef]:
        wanted = {sku.lower(): sku for sku in skus}
        found = Product.objects.annotate(sku_lower=Lower("sku")).filter(sku_lower__in=list(wanted))
        return {wanted[row[1].lower()]: ProductRef(*row) for row in found.values_list(*PRODUCT_REF_FIELDS)}

    def stock_warehouses(self, warehouse_ids: Collection[int] | None = None) -> Mapping[int, WarehouseSite]:
        rows = Warehouse.objects.filter(active=True).exclude(kind=WarehouseKind.DROPSHIP).order_by("code")
        if warehouse_ids is not None:
            rows = rows.filter(pk__in=list(warehouse_ids))
        return {
            w.pk: WarehouseSite(w.pk, w.code, w.name, _float(w.latitude), _float(w.longitude)) for w in rows
        }

    def sales_lines(self, line_ids: Collection[int]) -> Mapping[int, SalesLineFacts]:
        lines = with_reserved_open(
            SalesOrderLine.objects.select_related("order").filter(pk__any=list(line_ids))
        )
        facts = {}
        for line in lines:
            confirmed = line.order.status in OPEN_SALES_STATES
            open_quantity = line.quantity - line.shipped_quantity
            counted = open_quantity - line.reserved_open if confirmed and not line.dropship else ZERO
            facts[line.pk] = SalesLineFacts(
                id=line.pk,
                order_id=line.order_id,
                order_number=line.order.number,
                order_confirmed=confirmed,
                order_draft=line.order.status == SalesOrderStatus.DRAFT,
                product_id=line.product_id,
                warehouse_id=None if line.dropship else line.warehouse_id,
                quantity=line.quantity,
                open_quantity=open_quantity,
                counted_demand=max(counted, ZERO),
                demand_date=line.promised_date or line.requested_date,
                requested_date=line.requested_date,
            )
        return facts

    def reserve_for_lines(self, requests: Sequence[LineReservationRequest], *, actor: Any) -> list[Decimal]:
        return reserve_up_to(
            [
                ReservationRequest(
                    product_id=r.product_id,
                    warehouse_id=r.warehouse_id,
                    quantity=r.quantity,
                    required_date=r.required_date,
                    source=line_source(r.line_id),
                    note="promise",
                )
                for r in requests
            ],
            actor=actor_ref(actor),
        )

    def order_for_sourcing(self, order_id: int) -> OrderForSourcing | None:
        order = SalesOrder.objects.select_related("customer").filter(pk=order_id).first()
        if order is None:
            return None
        lines = tuple(
            SourcingLine(
                line.pk,
                line.product_id,
                line.quantity - line.shipped_quantity,
                line.requested_date,
                line.warehouse_id,
                line.dropship,
            )
            for line in order.lines.order_by("id")
        )
        customer = order.customer
        return OrderForSourcing(
            order.pk,
            order.number,
            order.status == SalesOrderStatus.DRAFT,
            _float(customer.latitude),
            _float(customer.longitude),
            lines,
        )

    def set_line_warehouses(self, order_id: int, warehouses: Mapping[int, int], *, actor: Any) -> None:
        with transaction.atomic():
            order = lock_row(SalesOrder, order_id)
            if order is None:
                raise NotFound(f"Sales order {order_id} does not exist.")
            refuse_unless_draft(order)
            lines = {
                line.pk: line
                for line in SalesOrderLine.objects.select_for_update().filter(
                    order=order, pk__in=list(warehouses)
                )
            }
            if set(lines) != set(warehouses):
                raise InvalidInput("Some lines are not lines of this order.")
            for pk, warehouse_id in warehouses.items():
                lines[pk].warehouse_id = warehouse_id
            SalesOrderLine.objects.bulk_update(list(lines.values()), ["warehouse"])
            order.save()  # raises the document's version: its lines changed
            record_event(
                "sales.salesorder.lines_sourced",
                actor=actor_ref(actor),
                obj=ObjectRef.for_instance(order),
                data={"warehouses": {str(k): v for k, v in warehouses.items()}},
            )

    def receipt_history(self, vendor_ids: Collection[int] | None, since: dt.date) -> list[ReceiptHistory]:
        """Goods receipts, and dropship lines the vendor confirmed delivered (its shipment notice),
        each from the order's sending (else its date) to the delivery; two queries."""
        receipts = GoodsReceiptLine.objects.filter(
            receipt__status=GoodsReceiptStatus.POSTED, receipt__received_at__date__gte=since
        )
        notices = VendorShipmentLine.objects.filter(shipment__shipped_at__date__gte=since)
        if vendor_ids is not None:
            receipts = receipts.filter(receipt__purchase_order__vendor_id__in=list(vendor_ids))
            notices = notices.filter(shipment__purchase_order__vendor_id__in=list(vendor_ids))
        rows = [
            *receipts.values_list(
                "receipt__purchase_order__vendor_id",
                "purchase_order_line__product_id",
                "receipt__purchase_order__order_date",
                "receipt__purchase_order__sent_at",
                "purchase_order_line__expected_date",
                "receipt__received_at",
            ),
            *notices.values_list(
                "shipment__purchase_order__vendor_id",
                "purchase_order_line__product_id",
                "shipment__purchase_order__order_date",
                "shipment__purchase_order__sent_at",
                "purchase_order_line__expected_date",
                "shipment__shipped_at",
            ),
        ]
        return [
            ReceiptHistory(
                vendor,
                product,
                timezone.localdate(sent_at) if sent_at is not None else order_date,
                expected,
                timezone.localdate(delivered_at),
            )
            for vendor, product, order_date, sent_at, expected, delivered_at in rows
        ]

    def quoted_terms(self, product_ids: Collection[int] | None) -> list[QuotedTerms]:
        rows = VendorProduct.objects.filter(active=True)
        if product_ids is not None:
            rows = rows.filter(product_id__any=list(product_ids))
        return [
            QuotedTerms(v, p, days, priority)
            for v, p, days, priority in rows.values_list(
                "vendor_id", "product_id", "lead_time_days", "priority"
            )
        ]

    def record_vendor_statistics(
        self, statistics: Mapping[int, VendorDeliveryStatistics], *, actor: Any
    ) -> int:
        return record_vendor_statistics(
            {
                pk: VendorStatistics(s.on_time_rate, s.average_lead_time_days, s.receipts_counted)
                for pk, s in statistics.items()
            },
            actor=actor_ref(actor),
        )
