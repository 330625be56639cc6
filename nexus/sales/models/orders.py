"""Sales orders: what a customer bought, from which warehouse, promised for when."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypedDict

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_fsm import FSMField, transition
from django_stubs_ext import WithAnnotations

from nexus.core.models import TenantScopedModel, TransitionLog, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options
from nexus.inventory.document_fields import price_field, quantity_field
from nexus.inventory.models import OPEN_STATES, Reservation, WarehouseKind
from nexus.inventory.quantities import QUANTITY_PLACES

ORDER_CONFIRMED = "sales.order_confirmed"
ORDER_CANCELLED = "sales.order_cancelled"
QUANTUM = Decimal(1).scaleb(-QUANTITY_PLACES)
ZERO_QUANTITY = Decimal(0).quantize(QUANTUM)
# How reservations name a sales-order line (inventory never imports sales).
LINE_SOURCE_TYPE = "sales.salesorderline"


class SalesOrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONFIRMED = "confirmed", "Confirmed"
    PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
    SHIPPED = "shipped", "Shipped"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# States in which the order's unshipped lines are demand.
OPEN_SALES_STATES = (SalesOrderStatus.CONFIRMED, SalesOrderStatus.PARTIALLY_SHIPPED)
SHIPPABLE_STATES = OPEN_SALES_STATES


def nobody(instance: Any, user: Any) -> bool:
    """No person may perform this transition: the system does, as a consequence of a posting."""
    return False


def _lines(order: "SalesOrder") -> list["SalesOrderLine"]:
    # Uses the prefetched lines when a screen or serializer loaded them (no query per row).
    return list(order.lines.all())


@condition("the sales order has no lines")
def has_lines(order: "SalesOrder") -> bool:
    return bool(_lines(order))


@condition(lambda order: f"the customer {order.customer.code} is inactive")
def customer_is_active(order: "SalesOrder") -> bool:
    return bool(order.customer.active)


def _inactive_products(order: "SalesOrder") -> list[str]:
    return sorted({line.product.sku for line in _lines(order) if not line.product.active})


@condition(lambda order: f"{', '.join(_inactive_products(order))} is inactive")
def products_are_active(order: "SalesOrder") -> bool:
    return not _inactive_products(order)


def _lines_without_stock_warehouse(order: "SalesOrder") -> list[str]:
    return sorted(
        line.product.sku
        for line in _lines(order)
        if not line.dropship and (line.warehouse is None or line.warehouse.kind == WarehouseKind.DROPSHIP)
    )


@condition(
    lambda order: f"{', '.join(_lines_without_stock_warehouse(order))} needs a warehouse that holds stock "
    "(or mark the line dropship)"
)
def lines_have_stock_warehouses(order: "SalesOrder") -> bool:
    return not _lines_without_stock_warehouse(order)


@condition("goods were already shipped; close it instead")
def nothing_shipped(order: "SalesOrder") -> bool:
    return all(line.shipped_quantity == 0 for line in _lines(order))


@condition("nothing has been shipped yet")
def something_shipped(order: "SalesOrder") -> bool:
    return any(line.shipped_quantity > 0 for line in _lines(order))


@condition("some lines are not fully shipped")
def everything_shipped(order: "SalesOrder") -> bool:
    lines = _lines(order)
    return bool(lines) and all(line.shipped_quantity >= line.quantity for line in lines)


@condition("every line is fully shipped")
def something_open(order: "SalesOrder") -> bool:
    return any(line.shipped_quantity < line.quantity for line in _lines(order))


class SalesOrder(VersionedWorkflowModel, TenantScopedModel):
    """A customer's order. Confirming reserves stock; shipments post against its lines.

    ``warehouse`` is the default fulfilment warehouse for lines that name none.
    """

    number = models.CharField(max_length=32, editable=False)
    customer = models.ForeignKey("sales.Customer", on_delete=models.PROTECT, related_name="orders")
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Default fulfilment warehouse for new lines.",
    )
    status = FSMField(
        max_length=20, choices=SalesOrderStatus.choices, default=SalesOrderStatus.DRAFT, protected=True
    )
    order_date = models.DateField(default=timezone.localdate)
    customer_reference = models.CharField(max_length=100, blank=True, help_text="The customer's PO number.")
    cause = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="What caused this order when it is not a sale (a replacement for a return: its number).",
    )
    notes = models.TextField(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-order_date", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="sales_salesorder_number_uniq"),
        ]
        indexes = [
            models.Index(fields=["status", "order_date"], name="sales_so_status_date_idx"),
            # The lists' order (newest first): the first page without sorting every order.
            models.Index(fields=["order_date", "id"], name="sales_so_date_idx"),
        ]
        permissions = [
            ("confirm_salesorder", "Can confirm sales order"),
            ("close_salesorder", "Can close sales order"),
            ("cancel_salesorder", "Can cancel sales order"),
        ]

    def __str__(self) -> str:
        return self.number or f"Sales order #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == SalesOrderStatus.DRAFT

    @transition(
        field=status,
        source=SalesOrderStatus.DRAFT,
        target=SalesOrderStatus.CONFIRMED,
        conditions=[has_lines, customer_is_active, products_are_active, lines_have_stock_warehouses],
        permission="sales.confirm_salesorder",
        custom=transition_options(label="Confirm", done_label="Confirmed", event=ORDER_CONFIRMED),
    )
    def confirm(self) -> None:
        """Promise the order to the customer; the confirmation's writes reserve stock."""
        self.confirmed_at = timezone.now()

    @transition(
        field=status,
        source=SalesOrderStatus.CONFIRMED,
        target=SalesOrderStatus.PARTIALLY_SHIPPED,
        conditions=[something_shipped, something_open],
        permission=nobody,
        custom=transition_options(label="Record partial shipment", allow_system=True),
    )
    def record_partial_shipment(self) -> None:
        """Follow a posted shipment that left some lines open."""

    @transition(
        field=status,
        source=[SalesOrderStatus.CONFIRMED, SalesOrderStatus.PARTIALLY_SHIPPED],
        target=SalesOrderStatus.SHIPPED,
        conditions=[everything_shipped],
        permission=nobody,
        custom=transition_options(label="Record full shipment", allow_system=True),
    )
    def record_full_shipment(self) -> None:
        """Follow a posted shipment that completed every line."""

    @transition(
        field=status,
        source=[SalesOrderStatus.PARTIALLY_SHIPPED, SalesOrderStatus.SHIPPED],
        target=SalesOrderStatus.CLOSED,
        permission="sales.close_salesorder",
        custom=transition_options(label="Close", done_label="Closed"),
    )
    def close(self) -> None:
        """Finish the order; what is still unshipped will not be (its reservations are released)."""

    @transition(
        field=status,
        source=[SalesOrderStatus.DRAFT, SalesOrderStatus.CONFIRMED],
        target=SalesOrderStatus.CANCELLED,
        conditions=[nothing_shipped],
        permission="sales.cancel_salesorder",
        custom=transition_options(
            label="Cancel", done_label="Cancelled", requires_reason=True, event=ORDER_CANCELLED
        ),
    )
    def cancel(self) -> None:
        """Call the order off before anything shipped; its reservations are released."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The payload of ``sales.order_confirmed`` or ``sales.order_cancelled``."""
        if transition_name == "cancel":
            return {
                "order_id": self.pk,
                "number": self.number,
                "customer_id": self.customer_id,
                "reason": self._last_reason(transition_name),
            }
        lines = list(self.lines.order_by("id"))
        reserved = reserved_by_line([line.pk for line in lines])
        return {
            "order_id": self.pk,
            "number": self.number,
            "customer_id": self.customer_id,
            "currency": self.currency_id,
            "lines": [
                {
                    "line_id": line.pk,
                    "product_id": line.product_id,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "discount_percent": line.discount_percent,
                    "warehouse_id": line.warehouse_id,
                    "promised_date": line.promised_date,
                    "dropship": line.dropship,
                    "reserved_quantity": reserved.get(line.pk, ZERO_QUANTITY),
                }
                for line in lines
            ],
        }

    def _last_reason(self, transition_name: str) -> str:
        """The reason the transition service just logged for this order's transition."""
        log = (
            TransitionLog.objects.filter(
                object_type=self._meta.label_lower, object_id=str(self.pk), transition=transition_name
            )
            .order_by("-id")
            .first()
        )
        return log.reason if log is not None else ""


# Transitions that only follow postings; screens never offer them.
AUTOMATIC_SALES_ORDER_TRANSITIONS = frozenset({"record_partial_shipment", "record_full_shipment"})


class SalesOrderLine(TenantScopedModel):
    """One product sold: quantity, price and discount, dates, where it ships from, what has shipped.

    A dropship line is delivered by a vendor straight to the customer: it reserves no stock and
    names no warehouse.
    """

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="sales_order_lines"
    )
    description = models.CharField(max_length=200, blank=True)
    quantity = quantity_field(validators=[MinValueValidator(Decimal("0.0001"))])
    unit_price = price_field()
    discount_percent = models.DecimalField(
        "discount %",
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    requested_date = models.DateField(help_text="When the customer wants the goods.")
    promised_date = models.DateField(
        null=True,
        blank=True,
        help_text="When we promise them; blank: the requested date, set on confirmation.",
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_order_lines",
        help_text="Where it ships from; blank for dropship lines.",
    )
    dropship = models.BooleanField(default=False, help_text="Delivered by a vendor straight to the customer.")
    shipped_quantity = quantity_field("shipped quantity", default=Decimal(0), editable=False)

    class Meta(TenantScopedModel.Meta):
        ordering = ["order_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sales_soline_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_soline_price_gte_0"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="sales_soline_discount_range",
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0, shipped_quantity__lte=F("quantity")),
                name="sales_soline_shipped_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(dropship=True) | Q(warehouse__isnull=False),
                name="sales_soline_warehouse_unless_dropship",
                violation_error_message="Choose a fulfilment warehouse, or mark the line dropship.",
            ),
        ]
        indexes = [models.Index(fields=["product", "promised_date"], name="sales_soline_product_date_idx")]

    def __str__(self) -> str:
        return f"{self.order} / {self.product.sku}"

    @property
    def open_quantity(self) -> Decimal:
        """What is still to ship."""
        return self.quantity - self.shipped_quantity


def reserved_by_line(line_ids: list[int]) -> dict[int, Decimal]:
    """The open reserved quantity of each sales-order line, in one query (absent lines: none)."""
    if not line_ids:
        return {}
    rows = (
        Reservation.objects.filter(
            source_type=LINE_SOURCE_TYPE, source_id__in=line_ids, state__in=OPEN_STATES
        )
        .values("source_id")
        .annotate(open=Sum(F("quantity") - F("consumed_quantity")))
        .values_list("source_id", "open")
        .order_by()
    )
    # The database answers the sum at its own scale; quantities carry four places everywhere.
    return {source_id: Decimal(quantity).quantize(QUANTUM) for source_id, quantity in rows}


class ReservedOpen(TypedDict):
    reserved_open: Decimal


def with_reserved_open(
    lines: QuerySet[SalesOrderLine],
) -> "QuerySet[WithAnnotations[SalesOrderLine, ReservedOpen]]":
    """``lines`` annotated with ``reserved_open``: what each holds reserved (a correlated subquery)."""
    reserved = (
        Reservation.objects.filter(
            source_type=LINE_SOURCE_TYPE, source_id=OuterRef("pk"), state__in=OPEN_STATES
        )
        .order_by()
        .values("source_id")
        .annotate(open=Sum(F("quantity") - F("consumed_quantity")))
        .values("open")
    )
    quantity: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=QUANTITY_PLACES)
    return lines.annotate(
        reserved_open=Coalesce(Subquery(reserved, output_field=quantity), Value(ZERO_QUANTITY))
    )


def short_stock_lines() -> QuerySet[SalesOrderLine]:
    """Lines of open orders, shipped from a warehouse, whose unshipped quantity is not all reserved.

    Confirming reserves only what is free (``services.reserving``); these lines wait for stock.
    One query however many lines there are: the reserved quantity is a correlated subquery.
    """
    lines = SalesOrderLine.objects.filter(order__status__in=OPEN_SALES_STATES, dropship=False)
    return with_reserved_open(lines).filter(Q(reserved_open__lt=F("quantity") - F("shipped_quantity")))
