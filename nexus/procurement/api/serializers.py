"""Serializers of the procurement API: master data, and documents with their nested lines.

Drafts are written with their lines in one request (``lines``: see ``lines.write_lines``); a
document past draft cannot be edited (409 ``already_posted``, saying why). State fields are
read-only; states change through the transition actions.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from rest_framework import serializers

from nexus.core.api.fields import LineQuantitiesField
from nexus.core.api.lines import DraftDocumentSerializerMixin
from nexus.core.api.serializers import TenantModelSerializer
from nexus.core.api.transitions import TransitionsSerializerMixin
from nexus.core.models import Currency
from nexus.inventory.models import Location
from nexus.procurement.amounts import document_total, line_amount
from nexus.procurement.models import (
    LANDED_COST_KINDS,
    RECEIVABLE_STATES,
    GoodsReceipt,
    GoodsReceiptLine,
    GoodsReceiptStatus,
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
from nexus.procurement.services import assign_number, refuse_over_receipt


class VendorSerializer(TenantModelSerializer):
    class Meta:
        model = Vendor
        fields = [
            "id",
            "code",
            "name",
            "currency",
            "contact_name",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "region",
            "country",
            "payment_terms_days",
            "active",
            "on_time_rate",
            "average_lead_time_days",
            "receipts_counted",
            "statistics_computed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "on_time_rate",
            "average_lead_time_days",
            "receipts_counted",
            "statistics_computed_at",
            "created_at",
            "updated_at",
        ]


class VendorProductSerializer(TenantModelSerializer):
    vendor_code = serializers.CharField(source="vendor.code", read_only=True)
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    currency = serializers.PrimaryKeyRelatedField(
        queryset=Currency.objects.all(),
        required=False,
        help_text="Defaults to the vendor's currency.",
    )

    class Meta:
        model = VendorProduct
        fields = [
            "id",
            "vendor",
            "vendor_code",
            "product",
            "product_sku",
            "vendor_sku",
            "unit_price",
            "currency",
            "minimum_order_quantity",
            "order_multiple",
            "lead_time_days",
            "priority",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        vendor = attrs.get("vendor") or (self.instance.vendor if self.instance else None)
        if "currency" not in attrs and self.instance is None and vendor is not None:
            attrs["currency"] = vendor.currency
        return attrs


class PurchaseOrderLineSerializer(TenantModelSerializer):
    id = serializers.IntegerField(required=False)
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    open_quantity = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True)
    amount = serializers.SerializerMethodField(help_text="Quantity times unit price, at the minor unit.")

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "product",
            "product_sku",
            "description",
            "vendor_sku",
            "quantity",
            "unit_price",
            "expected_date",
            "received_quantity",
            "open_quantity",
            "amount",
        ]
        read_only_fields = ["received_quantity"]

    def get_amount(self, line: PurchaseOrderLine) -> str:
        return str(line_amount(line.quantity, line.unit_price, line.order.currency_id))


class PurchaseOrderSerializer(
    DraftDocumentSerializerMixin, TransitionsSerializerMixin, TenantModelSerializer
):
    lines_parent_field = "order"

    def number_new_document(self, document: Any) -> None:
        assign_number(document)

    vendor_code = serializers.CharField(source="vendor.code", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    currency = serializers.PrimaryKeyRelatedField(
        queryset=Currency.objects.all(),
        required=False,
        help_text="Defaults to the vendor's currency.",
    )
    lines = PurchaseOrderLineSerializer(many=True, required=False)
    total = serializers.SerializerMethodField(help_text="The sum of the line amounts.")

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "vendor",
            "vendor_code",
            "warehouse",
            "warehouse_code",
            "currency",
            "exchange_rate",
            "status",
            "order_date",
            "vendor_reference",
            "notes",
            "sent_at",
            "total",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "sent_at", "created_at", "updated_at"]

    def get_total(self, order: PurchaseOrder) -> str:
        currency = order.currency_id
        return str(
            document_total(
                [line_amount(line.quantity, line.unit_price, currency) for line in order.lines.all()],
                currency,
            )
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None and "currency" not in attrs:
            attrs["currency"] = attrs["vendor"].currency
        return attrs


class GoodsReceiptLineSerializer(TenantModelSerializer):
    id = serializers.IntegerField(required=False)
    product = serializers.IntegerField(source="purchase_order_line.product_id", read_only=True)
    product_sku = serializers.CharField(source="purchase_order_line.product.sku", read_only=True)

    class Meta:
        model = GoodsReceiptLine
        fields = [
            "id",
            "purchase_order_line",
            "product",
            "product_sku",
            "quantity",
            "unit_cost",
            "stock_move",
        ]
        read_only_fields = ["unit_cost", "stock_move"]


class GoodsReceiptSerializer(DraftDocumentSerializerMixin, TransitionsSerializerMixin, TenantModelSerializer):
    lines_parent_field = "receipt"

    def number_new_document(self, document: Any) -> None:
        assign_number(document)

    purchase_order_number = serializers.CharField(source="purchase_order.number", read_only=True)
    lines = GoodsReceiptLineSerializer(many=True, required=False)

    class Meta:
        model = GoodsReceipt
        fields = [
            "id",
            "number",
            "purchase_order",
            "purchase_order_number",
            "location",
            "received_at",
            "delivery_note",
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
        order = attrs.get("purchase_order") or (self.instance.purchase_order if self.instance else None)
        if self.instance is not None and "purchase_order" in attrs and attrs["purchase_order"] != order:
            raise serializers.ValidationError(
                {"purchase_order": ["A receipt stays with its purchase order."]}
            )
        foreign = [
            row["purchase_order_line"].pk
            for row in attrs.get("lines", [])
            if order is not None and row["purchase_order_line"].order_id != order.pk
        ]
        if foreign:
            raise serializers.ValidationError(
                {"lines": [f"Line {', '.join(map(str, foreign))} is not a line of {order}."]}
            )
        if self.instance is None and order is not None and order.status not in RECEIVABLE_STATES:
            raise serializers.ValidationError(
                {
                    "purchase_order": [
                        f"{order} is {order.get_status_display().lower()}; goods are received only against "
                        "sent or partially received orders."
                    ]
                }
            )
        location = attrs.get("location")
        if location is not None and order is not None and location.warehouse_id != order.warehouse_id:
            raise serializers.ValidationError({"location": ["Choose a location of the order's warehouse."]})
        if order is not None and attrs.get("lines"):
            receiving: dict[PurchaseOrderLine, Decimal] = defaultdict(Decimal)
            for row in attrs["lines"]:
                receiving[row["purchase_order_line"]] += row["quantity"]
            refuse_over_receipt(order, receiving)
        return attrs


class DraftReceiptInputSerializer(serializers.Serializer):
    """What ``POST /purchase-orders/<id>/draft-receipt/`` takes."""

    lines = LineQuantitiesField(
        required=False, help_text="Order-line id → quantity; omit to receive everything still open."
    )
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False)
    delivery_note = serializers.CharField(required=False, allow_blank=True, max_length=100)


class VendorBillLineSerializer(TenantModelSerializer):
    id = serializers.IntegerField(required=False)
    goods_receipts = serializers.PrimaryKeyRelatedField(
        queryset=GoodsReceipt.objects.all(),
        many=True,
        required=False,
        help_text="For landed-cost charges: the goods receipts whose goods the charge burdens.",
    )
    amount = serializers.SerializerMethodField(help_text="Quantity times unit price, at the minor unit.")

    class Meta:
        model = VendorBillLine
        fields = [
            "id",
            "kind",
            "description",
            "purchase_order_line",
            "quantity",
            "unit_price",
            "amount",
            "goods_receipts",
        ]

    def get_amount(self, line: VendorBillLine) -> str:
        return str(line_amount(line.quantity, line.unit_price, line.bill.currency_id))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        receipts = attrs.get("goods_receipts", [])
        if receipts and attrs.get("kind") not in LANDED_COST_KINDS:
            raise serializers.ValidationError(
                {
                    "goods_receipts": [
                        "Only landed-cost charges (freight, duty, insurance, other) name receipts."
                    ]
                }
            )
        unposted = sorted(str(receipt) for receipt in receipts if receipt.status != GoodsReceiptStatus.POSTED)
        if unposted:
            raise serializers.ValidationError(
                {"goods_receipts": [f"{', '.join(unposted)} is not posted; charge posted receipts only."]}
            )
        return attrs


def _link_receipts(line: Any, row: Any) -> None:
    if "goods_receipts" not in row:
        return
    VendorBillLineReceipt.objects.filter(line=line).delete()
    VendorBillLineReceipt.objects.bulk_create(
        [
            VendorBillLineReceipt(tenant_id=line.tenant_id, line=line, goods_receipt=receipt)
            for receipt in row["goods_receipts"]
        ]
    )


class VendorBillSerializer(DraftDocumentSerializerMixin, TransitionsSerializerMixin, TenantModelSerializer):
    lines_parent_field = "bill"
    lines_extra = ("goods_receipts",)
    lines_after_save = staticmethod(_link_receipts)

    def number_new_document(self, document: Any) -> None:
        assign_number(document)

    vendor_code = serializers.CharField(source="vendor.code", read_only=True)
    currency = serializers.PrimaryKeyRelatedField(
        queryset=Currency.objects.all(),
        required=False,
        help_text="Defaults to the vendor's currency.",
    )
    lines = VendorBillLineSerializer(many=True, required=False)
    lines_total = serializers.SerializerMethodField(help_text="The sum of the line amounts now.")

    class Meta:
        model = VendorBill
        fields = [
            "id",
            "number",
            "vendor",
            "vendor_code",
            "vendor_invoice_number",
            "purchase_order",
            "currency",
            "bill_date",
            "due_date",
            "status",
            "total",
            "lines_total",
            "approved_at",
            "paid_at",
            "notes",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "total", "approved_at", "paid_at", "created_at", "updated_at"]

    def get_lines_total(self, bill: VendorBill) -> str:
        currency = bill.currency_id
        return str(
            document_total(
                [line_amount(line.quantity, line.unit_price, currency) for line in bill.lines.all()], currency
            )
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None and "currency" not in attrs:
            attrs["currency"] = attrs["vendor"].currency
        order = attrs.get("purchase_order")
        vendor = attrs.get("vendor") or (self.instance.vendor if self.instance else None)
        if order is not None and vendor is not None and order.vendor_id != vendor.pk:
            raise serializers.ValidationError(
                {"purchase_order": [f"{order} is not an order from this vendor."]}
            )
        return attrs


class RequisitionLineSerializer(TenantModelSerializer):
    id = serializers.IntegerField(required=False)
    product_sku = serializers.CharField(source="product.sku", read_only=True)

    class Meta:
        model = RequisitionLine
        fields = ["id", "product", "product_sku", "quantity", "needed_by", "vendor", "notes"]


class RequisitionSerializer(DraftDocumentSerializerMixin, TransitionsSerializerMixin, TenantModelSerializer):
    lines_parent_field = "requisition"

    def number_new_document(self, document: Any) -> None:
        assign_number(document)

    requested_by: serializers.StringRelatedField = serializers.StringRelatedField(
        read_only=True, allow_null=True, help_text="Who asked for it; null once their account is gone."
    )
    lines = RequisitionLineSerializer(many=True, required=False)
    purchase_orders = serializers.SerializerMethodField(help_text="Draft orders created by converting it.")

    class Meta:
        model = Requisition
        fields = [
            "id",
            "number",
            "warehouse",
            "needed_by",
            "requested_by",
            "status",
            "notes",
            "lines",
            "purchase_orders",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "created_at", "updated_at"]

    def get_purchase_orders(self, requisition: Requisition) -> list[int]:
        return sorted(
            {
                po_line.order_id
                for line in requisition.lines.all()
                for po_line in line.purchase_order_lines.all()
            }
        )
