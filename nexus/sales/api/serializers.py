"""Serializers of the sales API: customers, and orders and shipments with their nested lines.

Drafts are written with their lines in one request (``lines``: see ``lines.write_lines``); a
document past draft cannot be edited (409 ``already_posted``). Order lines show what they hold
reserved and what is still unreserved (confirming reserves what is free; see
docs/procurement-sales.md), computed for a whole page in one query.
"""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from nexus.core.api.fields import LineQuantitiesField
from nexus.core.api.lines import DraftDocumentSerializerMixin
from nexus.core.api.serializers import TenantModelSerializer
from nexus.core.api.transitions import TransitionsSerializerMixin
from nexus.core.models import Currency
from nexus.inventory.models import Warehouse
from nexus.sales.amounts import document_total, line_amount, net_unit_price
from nexus.sales.models import (
    OPEN_SALES_STATES,
    SHIPPABLE_STATES,
    Customer,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    reserved_by_line,
)
from nexus.sales.services import assign_number

RESERVED = "reserved_by_line"
ZERO = Decimal("0.0000")


class CustomerSerializer(TenantModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "currency",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "region",
            "country",
            "latitude",
            "longitude",
            "active",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class SalesOrderLineSerializer(TenantModelSerializer):
    id = serializers.IntegerField(required=False)
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    open_quantity = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True)
    reserved_quantity = serializers.SerializerMethodField(
        help_text="Held for this line in its warehouse now."
    )
    unreserved_quantity = serializers.SerializerMethodField(
        help_text="Still to ship but not reserved (0 for drafts, dropship lines and finished orders)."
    )
    net_unit_price = serializers.SerializerMethodField(help_text="The unit price less the discount.")
    amount = serializers.SerializerMethodField(help_text="Quantity times net price, at the minor unit.")

    class Meta:
        model = SalesOrderLine
        fields = [
            "id",
            "product",
            "product_sku",
            "description",
            "quantity",
            "unit_price",
            "discount_percent",
            "net_unit_price",
            "amount",
            "requested_date",
            "promised_date",
            "warehouse",
            "dropship",
            "shipped_quantity",
            "open_quantity",
            "reserved_quantity",
            "unreserved_quantity",
        ]
        read_only_fields = ["shipped_quantity"]
        extra_kwargs = {"warehouse": {"required": False}}

    def _reserved(self, line: SalesOrderLine) -> Decimal:
        known = self.context.get(RESERVED)
        if known is None:
            known = self.context[RESERVED] = reserved_by_line([line.pk])
        return Decimal(known.get(line.pk, ZERO))

    def get_reserved_quantity(self, line: SalesOrderLine) -> str:
        return str(self._reserved(line))

    def get_unreserved_quantity(self, line: SalesOrderLine) -> str:
        if line.dropship or line.order.status not in OPEN_SALES_STATES:
            return str(ZERO)
        return str(max(line.open_quantity - self._reserved(line), ZERO).quantize(ZERO))

    def get_net_unit_price(self, line: SalesOrderLine) -> str:
        return str(net_unit_price(line.unit_price, line.discount_percent))

    def get_amount(self, line: SalesOrderLine) -> str:
        currency = line.order.currency_id
        return str(line_amount(line.quantity, line.unit_price, currency, line.discount_percent))


class SalesOrderListSerializer(serializers.ListSerializer):
    """Find the reservations of every line on the page in one query."""

    def to_representation(self, data: Any) -> list[Any]:
        orders = list(data.all() if hasattr(data, "all") else data)
        self.context[RESERVED] = reserved_by_line([line.pk for order in orders for line in order.lines.all()])
        return super().to_representation(orders)


class SalesOrderSerializer(DraftDocumentSerializerMixin, TransitionsSerializerMixin, TenantModelSerializer):
    lines_parent_field = "order"

    def number_new_document(self, document: Any) -> None:
        assign_number(document)

    customer_code = serializers.CharField(source="customer.code", read_only=True)
    currency = serializers.PrimaryKeyRelatedField(
        queryset=Currency.objects.all(), required=False, help_text="Defaults to the customer's currency."
    )
    lines = SalesOrderLineSerializer(many=True, required=False)
    total = serializers.SerializerMethodField(help_text="The sum of the line amounts.")

    class Meta:
        model = SalesOrder
        list_serializer_class = SalesOrderListSerializer
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "currency",
            "warehouse",
            "status",
            "order_date",
            "customer_reference",
            "cause",
            "notes",
            "confirmed_at",
            "total",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "cause", "confirmed_at", "created_at", "updated_at"]

    def to_representation(self, instance: SalesOrder) -> dict[str, Any]:
        if RESERVED not in self.context:
            self.context[RESERVED] = reserved_by_line([line.pk for line in instance.lines.all()])
        return super().to_representation(instance)

    def get_total(self, order: SalesOrder) -> str:
        currency = order.currency_id
        amounts = [
            line_amount(line.quantity, line.unit_price, currency, line.discount_percent)
            for line in order.lines.all()
        ]
        return str(document_total(amounts, currency))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None and "currency" not in attrs:
            attrs["currency"] = attrs["customer"].currency
        default = attrs.get("warehouse") or (self.instance.warehouse if self.instance else None)
        for index, row in enumerate(attrs.get("lines", [])):
            if not row.get("dropship") and row.get("warehouse") is None:
                if default is None:
                    raise serializers.ValidationError(
                        {
                            f"lines.{index}.warehouse": [
                                "Choose a fulfilment warehouse, or mark the line dropship."
                            ]
                        }
                    )
                row["warehouse"] = default
            if row.get("dropship"):
                row["warehouse"] = None
        return attrs


class DraftShipmentInputSerializer(serializers.Serializer):
    """What ``POST /sales-orders/<id>/draft-shipment/`` takes."""

    lines = LineQuantitiesField(
        required=False, help_text="Order-line id → quantity; omit to ship everything still open."
    )
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all(), required=False)
    dropship = serializers.BooleanField(required=False, default=False)
    carrier = serializers.CharField(required=False, allow_blank=True, max_length=100)
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ShipmentLineSerializer(TenantModelSerializer):
    id = serializers.IntegerField(required=False)
    product = serializers.IntegerField(source="sales_order_line.product_id", read_only=True)
    product_sku = serializers.CharField(source="sales_order_line.product.sku", read_only=True)

    class Meta:
        model = ShipmentLine
        fields = ["id", "sales_order_line", "product", "product_sku", "quantity", "cost_value"]
        read_only_fields = ["cost_value"]


class ShipmentSerializer(DraftDocumentSerializerMixin, TransitionsSerializerMixin, TenantModelSerializer):
    lines_parent_field = "shipment"

    def number_new_document(self, document: Any) -> None:
        assign_number(document)

    sales_order_number = serializers.CharField(source="sales_order.number", read_only=True)
    lines = ShipmentLineSerializer(many=True, required=False)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "number",
            "sales_order",
            "sales_order_number",
            "warehouse",
            "dropship",
            "shipped_at",
            "carrier",
            "tracking_number",
            "notes",
            "status",
            "posted_at",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "posted_at", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        order = attrs.get("sales_order") or (self.instance.sales_order if self.instance else None)
        if self.instance is not None and "sales_order" in attrs and attrs["sales_order"] != order:
            raise serializers.ValidationError({"sales_order": ["A shipment stays with its sales order."]})
        if self.instance is None and order is not None and order.status not in SHIPPABLE_STATES:
            raise serializers.ValidationError(
                {
                    "sales_order": [
                        f"{order} is {order.get_status_display().lower()}; only confirmed or partially "
                        "shipped orders ship."
                    ]
                }
            )
        dropship = attrs.get("dropship", self.instance.dropship if self.instance else False)
        warehouse = attrs.get("warehouse", self.instance.warehouse if self.instance else None)
        if dropship and warehouse is not None:
            raise serializers.ValidationError({"warehouse": ["A dropship shipment names no warehouse."]})
        if not dropship and warehouse is None:
            raise serializers.ValidationError({"warehouse": ["Name the warehouse the goods leave from."]})
        foreign = [
            row["sales_order_line"].pk
            for row in attrs.get("lines", [])
            if order is not None and row["sales_order_line"].order_id != order.pk
        ]
        if foreign:
            raise serializers.ValidationError(
                {"lines": [f"Line {', '.join(map(str, foreign))} is not a line of {order}."]}
            )
        return attrs
