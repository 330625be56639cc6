"""Saving the demo's master data and simulated history, set-based.

Each table is written with a few ``bulk_create`` statements: master data, then the documents
(numbered per type and year in date order), then the stock ledger exactly as the inventory
services would have posted it (moves, the receipts' cost layers, the shipments' FIFO layer
consumptions), then the reservations of the orders still open. Balances and availability are
not written here: ``rebuild_stock_balances`` derives them from the ledger, so the result passes
``check_stock_ledger`` by construction. Document events are recorded as historical outbox
events (validated against the catalogue, never dispatched) at the time they happened.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from nexus.core.events import CATALOGUE, OutboxEvent
from nexus.core.models import ExchangeRate, SequenceCounter
from nexus.core.models.refs import ActorRef
from nexus.core.sequences import format_number
from nexus.inventory.models import (
    CostLayer,
    CostLayerConsumption,
    Location,
    MoveReason,
    Product,
    Reservation,
    ReservationState,
    StockMove,
    Warehouse,
    WarehouseKind,
)
from nexus.procurement.amounts import document_total
from nexus.procurement.amounts import line_amount as purchase_amount
from nexus.procurement.models import (
    BillLineKind,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    Requisition,
    RequisitionLine,
    Vendor,
    VendorBill,
    VendorBillLine,
    VendorBillLineReceipt,
    VendorProduct,
)
from nexus.procurement.services import RECEIPT_DOCUMENT_TYPE
from nexus.receivable.models import CreditNote, CreditNoteLine
from nexus.sales.amounts import line_amount as sales_amount
from nexus.sales.amounts import net_unit_price
from nexus.sales.models import LINE_SOURCE_TYPE, Customer, SalesOrder, SalesOrderLine, Shipment, ShipmentLine
from nexus.sales.services import SHIPMENT_DOCUMENT_TYPE

from . import catalog
from .rates import DailyRates
from .simulation import History, Move
from .simulation import PurchaseOrder as SimOrder
from .simulation import SalesOrder as SimSale

ACTOR = ActorRef.system("manage.py load_demo")
BATCH = 2000
CARRIERS = ["UPS Freight", "FedEx Ground", "XPO Logistics", "Estes Express", "Old Dominion"]


def bulk(model: type[models.Model], rows: list[Any]) -> list[Any]:
    """Insert rows in batches; their primary keys are set (PostgreSQL and SQLite both return them)."""
    return model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]


class Numbers:
    """Document numbers per type and year in the order documents are numbered, and the counters after."""

    def __init__(self) -> None:
        self.last: dict[tuple[str, int], int] = defaultdict(int)

    def next(self, doc_type: str, day: dt.date) -> str:
        self.last[(doc_type, day.year)] += 1
        return format_number(doc_type, day.year, self.last[(doc_type, day.year)])

    def save_counters(self, tenant_id: int) -> None:
        # The kernel's counters continue from the last loaded number, so the next document
        # a person creates gets the next one (sequences.next_number increments these rows).
        for (doc_type, year), value in sorted(self.last.items()):
            SequenceCounter.objects.update_or_create(
                tenant_id=tenant_id, doc_type=doc_type, year=year, defaults={"last_value": value}
            )


class Writer:
    def __init__(self, tenant_id: int, history: History, rng: random.Random) -> None:
        self.tenant_id = tenant_id
        self.history = history
        self.rng = rng
        self.numbers = Numbers()
        self.events: list[OutboxEvent] = []
        self.now = timezone.now()

    # -- master data ---------------------------------------------------------------------------

    def master_data(
        self,
        products: list[catalog.ProductSpec],
        vendors: list[catalog.VendorSpec],
        customers: list[catalog.CustomerSpec],
        warehouses: int,
    ) -> None:
        t = self.tenant_id
        self.warehouses = bulk(
            Warehouse,
            [
                Warehouse(
                    tenant_id=t,
                    code=code,
                    name=name,
                    city=city.name,
                    region=city.region,
                    country="US",
                    latitude=city.latitude,
                    longitude=city.longitude,
                )
                for code, name, city in catalog.WAREHOUSES[:warehouses]
            ],
        )
        code, name = catalog.DROPSHIP_WAREHOUSE
        bulk(Warehouse, [Warehouse(tenant_id=t, code=code, name=name, kind=WarehouseKind.DROPSHIP)])
        locations = bulk(
            Location,
            [
                Location(tenant_id=t, warehouse=warehouse, code=code, name=name, kind=kind)
                for warehouse in self.warehouses
                for code, name, kind in catalog.LOCATIONS
            ],
        )
        self.location = {(loc.warehouse_id, loc.code): loc for loc in locations}
        self.products = bulk(
            Product,
            [
                Product(
                    tenant_id=t,
                    sku=spec.sku,
                    name=spec.name,
                    unit=spec.unit,
                    unit_decimals=spec.unit_decimals,
                    unit_weight=spec.weight,
                    unit_volume=spec.volume,
                )
                for spec in products
            ],
        )
        self.vendor_specs = vendors
        self.vendors = bulk(
            Vendor,
            [
                Vendor(
                    tenant_id=t,
                    code=spec.code,
                    name=spec.name,
                    currency_id=spec.currency,
                    email=f"orders@{spec.name.split()[0].lower()}.example",
                    city=spec.city.name,
                    region=spec.city.region,
                    country={"EUR": "DE", "CAD": "CA"}.get(spec.currency, "US"),
                    payment_terms_days=30 if spec.currency == "USD" else 45,
                )
                for spec in vendors
            ],
        )
        self.terms = bulk(
            VendorProduct,
            [
                VendorProduct(
                    tenant_id=t,
                    vendor=self.vendors[terms.vendor],
                    product=self.products[terms.product],
                    vendor_sku=terms.vendor_sku,
                    unit_price=terms.unit_price,
                    currency_id=vendors[terms.vendor].currency,
                    minimum_order_quantity=terms.minimum,
                    order_multiple=terms.multiple,
                    lead_time_days=terms.lead_time,
                    priority=terms.priority,
                )
                for terms in self.history.terms
            ],
        )
        self.vendor_sku = {(terms.vendor, terms.product): terms.vendor_sku for terms in self.history.terms}
        self.customers = bulk(
            Customer,
            [
                Customer(
                    tenant_id=t,
                    code=spec.code,
                    name=spec.name,
                    currency_id="USD",
                    email=f"purchasing@{spec.code.lower()}.example",
                    city=spec.city.name,
                    region=spec.city.region,
                    country="US",
                    latitude=spec.city.latitude,
                    longitude=spec.city.longitude,
                )
                for spec in customers
            ],
        )

    def exchange_rates(self, rates: DailyRates) -> None:
        """The daily rates the purchase orders were placed at (the admin's Exchange rates)."""
        bulk(
            ExchangeRate,
            [
                ExchangeRate(tenant_id=self.tenant_id, currency_id=currency, date=day, rate=rate)
                for currency, by_day in rates.items()
                for day, rate in by_day.items()
            ],
        )

    # -- purchasing ----------------------------------------------------------------------------

    def purchasing(self) -> None:
        t = self.tenant_id
        orders = sorted(self.history.purchase_orders, key=lambda o: o.order_date)
        rows = []
        for order in orders:
            spec = self.vendor_specs[order.vendor]
            rows.append(
                PurchaseOrder(
                    tenant_id=t,
                    number=self.numbers.next("PO", order.order_date),
                    vendor=self.vendors[order.vendor],
                    warehouse=self.warehouses[order.warehouse],
                    currency_id=spec.currency,
                    exchange_rate=order.exchange_rate,
                    status=order.status,
                    order_date=order.order_date,
                    sent_at=_at(order.order_date, 10),
                    vendor_reference=f"{spec.code}-{self.rng.randint(10000, 99999)}",
                )
            )
        saved = bulk(PurchaseOrder, rows)
        self.po_row = {id(order): row for order, row in zip(orders, saved, strict=True)}
        line_rows = []
        sim_lines = []
        for order in orders:
            for line in order.lines:
                sim_lines.append(line)
                line_rows.append(
                    PurchaseOrderLine(
                        tenant_id=t,
                        order=self.po_row[id(order)],
                        product=self.products[line.product],
                        vendor_sku=self.vendor_sku.get((order.vendor, line.product), ""),
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        expected_date=line.expected,
                        received_quantity=line.received,
                    )
                )
        self.po_line_row = {
            id(line): row for line, row in zip(sim_lines, bulk(PurchaseOrderLine, line_rows), strict=True)
        }
        receipts = sorted(self.history.receipts, key=lambda r: r.received_at)
        receipt_rows = bulk(
            GoodsReceipt,
            [
                GoodsReceipt(
                    tenant_id=t,
                    number=self.numbers.next("GR", receipt.received_at.date()),
                    purchase_order=self.po_row[id(receipt.order)],
                    location=self.location[(self.warehouses[receipt.order.warehouse].pk, "A-STOCK")],
                    received_at=receipt.received_at,
                    delivery_note=f"DN-{self.rng.randint(100000, 999999)}",
                    status="posted",
                    posted_at=receipt.received_at,
                )
                for receipt in receipts
            ],
        )
        self.receipt_row = {id(receipt): row for receipt, row in zip(receipts, receipt_rows, strict=True)}
        sim_receipt_lines = [line for receipt in receipts for line in receipt.lines]
        saved_lines = bulk(
            GoodsReceiptLine,
            [
                GoodsReceiptLine(
                    tenant_id=t,
                    receipt=self.receipt_row[id(receipt)],
                    purchase_order_line=self.po_line_row[id(line.po_line)],
                    quantity=line.quantity,
                    unit_cost=line.move.unit_cost if line.move else None,
                )
                for receipt in receipts
                for line in receipt.lines
            ],
        )
        self.receipt_line_row = {
            id(line): row for line, row in zip(sim_receipt_lines, saved_lines, strict=True)
        }
        self.receipts_in_order = receipts

    # -- selling -------------------------------------------------------------------------------

    def selling(self) -> None:
        t = self.tenant_id
        orders = sorted(self.history.sales_orders, key=lambda o: o.order_date)
        saved = bulk(
            SalesOrder,
            [
                SalesOrder(
                    tenant_id=t,
                    number=self.numbers.next("SO", order.order_date),
                    customer=self.customers[order.customer],
                    currency_id="USD",
                    warehouse=self.warehouses[order.warehouse],
                    status=order.status,
                    order_date=order.order_date,
                    customer_reference=f"PO {self.rng.randint(1000, 9999)}",
                    confirmed_at=order.confirmed_at,
                )
                for order in orders
            ],
        )
        self.so_row = {id(order): row for order, row in zip(orders, saved, strict=True)}
        sim_lines = [line for order in orders for line in order.lines]
        saved_lines = bulk(
            SalesOrderLine,
            [
                SalesOrderLine(
                    tenant_id=t,
                    order=self.so_row[id(order)],
                    product=self.products[line.product],
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount_percent=line.discount,
                    requested_date=line.requested,
                    promised_date=line.requested,
                    warehouse=self.warehouses[line.warehouse] if line.warehouse is not None else None,
                    dropship=line.warehouse is None,
                    shipped_quantity=line.shipped,
                )
                for order in orders
                for line in order.lines
            ],
        )
        self.so_line_row = {id(line): row for line, row in zip(sim_lines, saved_lines, strict=True)}
        self.sales_in_order = orders
        shipments = sorted(self.history.shipments, key=lambda s: s.shipped_at)
        shipment_rows = bulk(
            Shipment,
            [
                Shipment(
                    tenant_id=t,
                    number=self.numbers.next("SH", shipment.shipped_at.date()),
                    sales_order=self.so_row[id(shipment.order)],
                    warehouse=self.warehouses[shipment.warehouse] if shipment.warehouse is not None else None,
                    dropship=shipment.warehouse is None,
                    shipped_at=shipment.shipped_at,
                    carrier=self.rng.choice(CARRIERS),
                    tracking_number=f"1Z{self.rng.randint(10**9, 10**10 - 1)}",
                    status="posted",
                    posted_at=shipment.shipped_at,
                )
                for shipment in shipments
            ],
        )
        self.shipment_row = {id(s): row for s, row in zip(shipments, shipment_rows, strict=True)}
        sim_shipment_lines = [line for shipment in shipments for line in shipment.lines]
        saved_shipment_lines = bulk(
            ShipmentLine,
            [
                ShipmentLine(
                    tenant_id=t,
                    shipment=self.shipment_row[id(shipment)],
                    sales_order_line=self.so_line_row[id(line.so_line)],
                    quantity=line.quantity,
                    cost_value=sum((move.value for move in line.moves), Decimal(0)) if line.moves else None,
                )
                for shipment in shipments
                for line in shipment.lines
            ],
        )
        self.shipment_line_row = {
            id(line): row for line, row in zip(sim_shipment_lines, saved_shipment_lines, strict=True)
        }
        self.shipments_in_order = shipments

    # -- the stock ledger ----------------------------------------------------------------------

    def ledger(self) -> None:
        """Moves in the order they happened, the receipts' cost layers and the shipments' consumptions."""
        t = self.tenant_id
        actor = {"actor_kind": ACTOR.kind, "actor_id": ACTOR.id, "actor_label": ACTOR.label}
        rows = []
        for move in self.history.moves:
            location = self.location[(self.warehouses[move.warehouse].pk, move.location)]
            document = self._document_of(move)
            rows.append(
                StockMove(
                    tenant_id=t,
                    product=self.products[move.product],
                    from_location=None if move.inbound else location,
                    to_location=location if move.inbound else None,
                    quantity=move.quantity,
                    unit_cost=move.unit_cost,
                    value=move.value,
                    reason=MoveReason.RECEIPT if move.inbound else MoveReason.SHIPMENT,
                    document_type=document[0],
                    document_id=document[1],
                    document_line_id=document[2],
                    occurred_at=move.occurred_at,
                    **actor,
                )
            )
        saved = bulk(StockMove, rows)
        self.move_row = {id(move): row for move, row in zip(self.history.moves, saved, strict=True)}
        layers = self.history.layers
        saved_layers = bulk(
            CostLayer,
            [
                CostLayer(
                    tenant_id=t,
                    product=self.products[layer.move.product],
                    warehouse=self.warehouses[layer.move.warehouse],
                    receipt_move=self.move_row[id(layer.move)],
                    origin_move=self.move_row[id(layer.move)],
                    quantity_in=layer.quantity_in,
                    quantity_remaining=layer.open.remaining,
                    unit_cost=layer.unit_cost,
                    received_at=layer.move.occurred_at,
                )
                for layer in layers
            ],
        )
        layer_row = {id(layer): row for layer, row in zip(layers, saved_layers, strict=True)}
        bulk(
            CostLayerConsumption,
            [
                CostLayerConsumption(
                    tenant_id=t,
                    layer=layer_row[id(layer)],
                    move=self.move_row[id(move)],
                    quantity=taken,
                    unit_cost=layer.unit_cost,
                )
                for move in self.history.moves
                for layer, taken in move.consumed
            ],
        )
        lines = []
        for receipt in self.receipts_in_order:
            for line in receipt.lines:
                row = self.receipt_line_row[id(line)]
                if line.move is not None:
                    row.stock_move = self.move_row[id(line.move)]
                    lines.append(row)
        GoodsReceiptLine.objects.bulk_update(lines, ["stock_move"], batch_size=BATCH)

    def _document_of(self, move: Move) -> tuple[str, int, int]:
        if move.receipt_line is not None:
            line = self.receipt_line_row[id(move.receipt_line)]
            return RECEIPT_DOCUMENT_TYPE, line.receipt_id, line.pk
        assert move.shipment_line is not None
        line = self.shipment_line_row[id(move.shipment_line)]
        return SHIPMENT_DOCUMENT_TYPE, line.shipment_id, line.pk

    def reservations(self) -> None:
        """Reserve today's stock for the open orders, earliest promise first (as confirming would)."""
        free: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for move in self.history.moves:
            free[(move.product, move.warehouse)] += move.quantity if move.inbound else -move.quantity
        wanted = sorted(
            (
                (line.requested, order.order_date, id(line), order, line)
                for order in self.history.sales_orders
                if order.status in ("confirmed", "partially_shipped")
                for line in order.lines
                if line.warehouse is not None and line.open > 0
            ),
            key=lambda item: item[:3],
        )
        rows = []
        for requested, _, _, order, line in wanted:
            assert line.warehouse is not None
            pair = (line.product, line.warehouse)
            take = min(line.open, free[pair])
            if take <= 0:
                continue
            free[pair] -= take
            so_line = self.so_line_row[id(line)]
            rows.append(
                Reservation(
                    tenant_id=self.tenant_id,
                    product=self.products[line.product],
                    warehouse=self.warehouses[line.warehouse],
                    quantity=take,
                    required_date=requested,
                    source_type=LINE_SOURCE_TYPE,
                    source_id=so_line.pk,
                    state=ReservationState.HELD,
                    note=self.so_row[id(order)].number,
                    actor_kind=ACTOR.kind,
                    actor_id=ACTOR.id,
                    actor_label=ACTOR.label,
                )
            )
        bulk(Reservation, rows)
        self.reserved = {row.source_id: row.quantity for row in rows}

    # -- bills, requisitions, credit notes -----------------------------------------------------

    def bills(self) -> None:
        """Bills for delivered orders: paid when due, approved before; freight and duty on some."""
        t = self.tenant_id
        today = self.history.today
        bills: list[VendorBill] = []
        plans: list[tuple[SimOrder, catalog.VendorSpec]] = []
        dated = []
        for order in sorted(self.history.purchase_orders, key=lambda o: o.order_date):
            if order.status not in ("received", "closed"):
                continue
            last = max(receipt.received_at.date() for receipt in order.receipts)
            bill_date = last + dt.timedelta(days=self.rng.randint(2, 10))
            if bill_date < today:
                dated.append((bill_date, order))
        # Numbered in the order the bills arrived.
        for bill_date, order in sorted(dated, key=lambda item: item[0]):
            spec = self.vendor_specs[order.vendor]
            po = self.po_row[id(order)]
            terms = 30 if spec.currency == "USD" else 45
            due = bill_date + dt.timedelta(days=terms)
            status = "paid" if due < today - dt.timedelta(days=3) else "approved"
            bills.append(
                VendorBill(
                    tenant_id=t,
                    number=self.numbers.next("BILL", bill_date),
                    vendor=self.vendors[order.vendor],
                    vendor_invoice_number=f"{spec.code}-INV-{len(bills) + 10001}",
                    purchase_order=po,
                    currency_id=spec.currency,
                    bill_date=bill_date,
                    due_date=due,
                    status=status,
                    approved_at=_at(bill_date, 15),
                    paid_at=_at(due, 11) if status == "paid" else None,
                )
            )
            plans.append((order, spec))
        saved = bulk(VendorBill, bills)
        lines: list[tuple[VendorBill, SimOrder, list[VendorBillLine]]] = []
        links: list[VendorBillLineReceipt] = []
        events: list[OutboxEvent] = []
        for bill, (order, spec) in zip(saved, plans, strict=True):
            bill_lines = [
                VendorBillLine(
                    tenant_id=t,
                    bill=bill,
                    kind=BillLineKind.GOODS,
                    description=self.products[line.product].name,
                    purchase_order_line=self.po_line_row[id(line)],
                    quantity=line.received,
                    unit_price=line.unit_price,
                )
                for line in order.lines
            ]
            goods = sum(
                (purchase_amount(line.quantity, line.unit_price, spec.currency) for line in bill_lines),
                Decimal(0),
            )
            charges = []
            if self.rng.random() < 0.3:
                charges.append((BillLineKind.FREIGHT, "Freight", goods * Decimal("0.035")))
            if spec.currency == "EUR":
                charges.append((BillLineKind.DUTY, "Import duty", goods * Decimal("0.042")))
            for kind, description, amount in charges:
                bill_lines.append(
                    VendorBillLine(
                        tenant_id=t,
                        bill=bill,
                        kind=kind,
                        description=description,
                        quantity=Decimal(1),
                        unit_price=amount.quantize(Decimal("0.01")),
                    )
                )
            bill.total = document_total(
                [purchase_amount(x.quantity, x.unit_price, spec.currency) for x in bill_lines], spec.currency
            )
            lines.append((bill, order, bill_lines))
        VendorBill.objects.bulk_update(saved, ["total"], batch_size=BATCH)
        self.bill_rows = saved
        bulk(VendorBillLine, [line for _, _, bill_lines in lines for line in bill_lines])
        for bill, order, bill_lines in lines:
            receipts = [self.receipt_row[id(receipt)] for receipt in order.receipts]
            for line in bill_lines:
                if line.kind != BillLineKind.GOODS:
                    links.extend(
                        VendorBillLineReceipt(tenant_id=t, line=line, goods_receipt=receipt)
                        for receipt in receipts
                    )
            events.append(self._bill_event(bill, bill_lines, receipts))
        bulk(VendorBillLineReceipt, links)
        self.events.extend(events)

    def _bill_event(
        self, bill: VendorBill, lines: list[VendorBillLine], receipts: list[GoodsReceipt]
    ) -> OutboxEvent:
        return self.event(
            "procurement.vendor_bill_approved",
            {
                "bill_id": bill.pk,
                "number": bill.number,
                "vendor_id": bill.vendor_id,
                "currency": bill.currency_id,
                "total": bill.total,
                "bill_date": bill.bill_date,
                "lines": [
                    {
                        "bill_line_id": line.pk,
                        "kind": line.kind,
                        "amount": purchase_amount(line.quantity, line.unit_price, bill.currency_id),
                        "goods_receipt_ids": sorted(r.pk for r in receipts)
                        if line.kind != BillLineKind.GOODS
                        else [],
                    }
                    for line in lines
                ],
            },
            _at(bill.bill_date, 15),
        )

    def requisitions(self) -> None:
        """Some orders came from requisitions; a few requests are still waiting for a decision."""
        t = self.tenant_id
        today = self.history.today
        sources = [o for o in self.history.purchase_orders if o.status != "cancelled"][5::40]
        requisitions, line_plans = [], []
        for order in sources:
            requisitions.append(
                Requisition(
                    tenant_id=t,
                    number=self.numbers.next("REQ", order.order_date),
                    warehouse=self.warehouses[order.warehouse],
                    needed_by=order.lines[0].expected,
                    status="converted",
                    notes="Site request, converted by purchasing.",
                )
            )
            line_plans.append(order)
        pending = [
            ("approved", "Approved by the DC manager."),
            ("draft", ""),
            ("rejected", "Not in this quarter's budget."),
        ]
        for status, note in pending:
            requisitions.append(
                Requisition(
                    tenant_id=t,
                    number=self.numbers.next("REQ", today),
                    warehouse=self.warehouses[0],
                    needed_by=today + dt.timedelta(days=21),
                    status=status,
                    notes=note,
                )
            )
        saved = bulk(Requisition, requisitions)
        self.requisition_rows, self.requisition_sources = saved, line_plans
        req_lines: list[RequisitionLine] = []
        linked: list[PurchaseOrderLine] = []
        for requisition, order in zip(saved, line_plans, strict=False):
            for line in order.lines:
                req_line = RequisitionLine(
                    tenant_id=t,
                    requisition=requisition,
                    product=self.products[line.product],
                    quantity=line.quantity,
                    vendor=self.vendors[order.vendor],
                )
                req_lines.append(req_line)
                po_line = self.po_line_row[id(line)]
                po_line.requisition_line = req_line
                linked.append(po_line)
        for requisition in saved[len(line_plans) :]:
            for product in self.rng.sample(self.products, 3):
                req_lines.append(
                    RequisitionLine(
                        tenant_id=t,
                        requisition=requisition,
                        product=product,
                        quantity=Decimal(self.rng.choice([20, 50, 100])),
                    )
                )
        bulk(RequisitionLine, req_lines)
        # The lines now have keys; bulk_update takes them from the related objects.
        PurchaseOrderLine.objects.bulk_update(linked, ["requisition_line"], batch_size=BATCH)

    def credit_notes(self) -> None:
        """A few customers got credit for damaged or short goods: applied when older, issued when recent."""
        t = self.tenant_id
        today = self.history.today
        shipped = [
            (order, line)
            for order in self.sales_in_order
            for line in order.lines
            if line.shipped > 0 and order.status in ("shipped", "closed", "partially_shipped")
        ]
        sample = self.rng.sample(shipped, max(1, len(shipped) // 80))
        dated = [
            (
                min(
                    line.requested + dt.timedelta(days=self.rng.randint(3, 20)), today - dt.timedelta(days=1)
                ),
                order,
                line,
            )
            for order, line in sample
        ]
        # Gap-free numbers follow the issue dates.
        chosen = sorted(dated, key=lambda item: item[0])
        notes: list[CreditNote] = []
        note_lines: list[CreditNoteLine] = []
        for index, (issue_date, order, line) in enumerate(chosen):
            status = "applied" if (today - issue_date).days > 30 else "issued"
            if index == len(chosen) // 2:
                status = "void"
            so_line = self.so_line_row[id(line)]
            quantity = min(line.shipped, Decimal(self.rng.randint(1, 3)))
            price = net_unit_price(line.unit_price, line.discount)
            total = sales_amount(quantity, price, "USD")
            note = CreditNote(
                tenant_id=t,
                number=self.numbers.next("CN", issue_date),
                customer=self.customers[order.customer],
                sales_order=self.so_row[id(order)],
                currency_id="USD",
                status=status,
                reason=self.rng.choice(
                    ["Damaged in transit", "Short shipped", "Wrong item picked", "Price adjustment"]
                ),
                issue_date=issue_date,
                total=total,
                applied_at=_at(issue_date + dt.timedelta(days=7), 10) if status == "applied" else None,
            )
            notes.append(note)
            note_lines.append(
                CreditNoteLine(
                    tenant_id=t,
                    sales_order_line=so_line,
                    description=self.products[line.product].name,
                    quantity=quantity,
                    unit_price=price,
                )
            )
        saved = bulk(CreditNote, notes)
        self.credit_note_rows = saved
        for note, note_line in zip(saved, note_lines, strict=True):
            note_line.credit_note = note
        bulk(CreditNoteLine, note_lines)
        for note, note_line in zip(saved, note_lines, strict=True):
            assert note.issue_date is not None
            self.events.append(
                self.event(
                    "receivable.credit_note_issued",
                    {
                        "credit_note_id": note.pk,
                        "number": note.number,
                        "customer_id": note.customer_id,
                        "sales_order_id": note.sales_order_id,
                        "currency": "USD",
                        "total": note.total,
                        "restocking_fee": Decimal("0.00"),
                        "issue_date": note.issue_date,
                        "lines": [
                            {
                                "line_id": note_line.pk,
                                "sales_order_line_id": note_line.sales_order_line_id,
                                "quantity": note_line.quantity,
                                "unit_price": note_line.unit_price,
                                "amount": note.total,
                            }
                        ],
                    },
                    _at(note.issue_date, 12),
                )
            )

    def todays_drafts(self) -> None:
        """What a clerk finds this morning: a delivery to count and an order being keyed in."""
        t = self.tenant_id
        open_orders = [o for o in self.history.purchase_orders if o.status == "sent"]
        if open_orders:
            order = open_orders[0]
            po = self.po_row[id(order)]
            receipt = GoodsReceipt(
                tenant_id=t,
                number=self.numbers.next("GR", self.history.today),
                purchase_order=po,
                received_at=_at(self.history.today, 8),
                delivery_note="DN-TODAY",
                notes="Arrived this morning; count before posting.",
            )
            receipt.save()
            bulk(
                GoodsReceiptLine,
                [
                    GoodsReceiptLine(
                        tenant_id=t,
                        receipt=receipt,
                        purchase_order_line=self.po_line_row[id(line)],
                        quantity=line.quantity,
                    )
                    for line in order.lines
                ],
            )
        draft = SalesOrder(
            tenant_id=t,
            number=self.numbers.next("SO", self.history.today),
            customer=self.customers[0],
            currency_id="USD",
            warehouse=self.warehouses[0],
            customer_reference="Phone order",
        )
        draft.save()
        bulk(
            SalesOrderLine,
            [
                SalesOrderLine(
                    tenant_id=t,
                    order=draft,
                    product=product,
                    quantity=Decimal(self.rng.randint(2, 20)),
                    unit_price=Decimal("12.50"),
                    requested_date=self.history.today + dt.timedelta(days=5),
                    warehouse=self.warehouses[0],
                )
                for product in self.products[:3]
            ],
        )

    # -- events --------------------------------------------------------------------------------

    def document_events(self) -> None:
        for receipt in self.receipts_in_order:
            row = self.receipt_row[id(receipt)]
            order = receipt.order
            self.events.append(
                self.event(
                    "procurement.goods_received",
                    {
                        "receipt_id": row.pk,
                        "number": row.number,
                        "purchase_order_id": row.purchase_order_id,
                        "vendor_id": self.vendors[order.vendor].pk,
                        "warehouse_id": self.warehouses[order.warehouse].pk,
                        "received_at": receipt.received_at,
                        "lines": [
                            {
                                "receipt_line_id": self.receipt_line_row[id(line)].pk,
                                "purchase_order_line_id": self.po_line_row[id(line.po_line)].pk,
                                "product_id": self.products[line.po_line.product].pk,
                                "quantity": line.quantity,
                                "unit_cost": line.move.unit_cost if line.move else None,
                                "move_id": self.move_row[id(line.move)].pk if line.move else None,
                            }
                            for line in receipt.lines
                        ],
                    },
                    receipt.received_at,
                )
            )
        for sale in self.sales_in_order:
            self.events.extend(self._sales_events(sale))

    def _sales_events(self, order: SimSale) -> Iterable[OutboxEvent]:
        row = self.so_row[id(order)]
        confirmed_at = order.confirmed_at or _at(order.order_date, 9)
        reserved = self.reserved
        yield self.event(
            "sales.order_confirmed",
            {
                "order_id": row.pk,
                "number": row.number,
                "customer_id": row.customer_id,
                "currency": "USD",
                "lines": [
                    {
                        "line_id": self.so_line_row[id(line)].pk,
                        "product_id": self.products[line.product].pk,
                        "quantity": line.quantity,
                        "unit_price": line.unit_price,
                        "discount_percent": line.discount,
                        "warehouse_id": self.warehouses[line.warehouse].pk
                        if line.warehouse is not None
                        else None,
                        "promised_date": line.requested,
                        "dropship": line.warehouse is None,
                        # What was reserved then is not kept; what shipped (or is held now) stands in.
                        "reserved_quantity": reserved.get(self.so_line_row[id(line)].pk, line.shipped)
                        if line.warehouse is not None
                        else Decimal(0),
                    }
                    for line in order.lines
                ],
            },
            confirmed_at,
        )
        if order.status == "cancelled":
            yield self.event(
                "sales.order_cancelled",
                {
                    "order_id": row.pk,
                    "number": row.number,
                    "customer_id": row.customer_id,
                    "reason": "Customer cancelled.",
                },
                confirmed_at + dt.timedelta(days=1),
            )

    def event(self, name: str, payload: dict[str, Any], when: dt.datetime) -> OutboxEvent:
        """A historical event, its payload checked against the catalogue like any published one."""
        spec = CATALOGUE[name]
        return OutboxEvent(
            tenant_id=self.tenant_id,
            name=name,
            schema_version=spec.schema_version,
            payload=spec.validate(payload),
            occurred_at=when,
            historical=True,
            enqueued_at=self.now,
        )

    def save_events(self) -> None:
        bulk(OutboxEvent, sorted(self.events, key=lambda event: event.occurred_at))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
