"""Serializers of the receivable API: credit notes with their nested lines."""

from typing import Any

from rest_framework import serializers

from nexus.core.api.lines import DraftDocumentSerializerMixin
from nexus.core.api.serializers import TenantModelSerializer
from nexus.core.api.transitions import TransitionsSerializerMixin
from nexus.core.models import Currency
from nexus.receivable.models import CreditNote, CreditNoteLine
from nexus.sales.amounts import document_total, line_amount


class CreditNoteLineSerializer(TenantModelSerializer):
    id = serializers.IntegerField(required=False)
    amount = serializers.SerializerMethodField(help_text="Quantity times unit price, at the minor unit.")

    class Meta:
        model = CreditNoteLine
        fields = ["id", "sales_order_line", "description", "quantity", "unit_price", "amount"]

    def get_amount(self, line: CreditNoteLine) -> str:
        return str(line_amount(line.quantity, line.unit_price, line.credit_note.currency_id))


class CreditNoteSerializer(DraftDocumentSerializerMixin, TransitionsSerializerMixin, TenantModelSerializer):
    lines_parent_field = "credit_note"

    customer_code = serializers.CharField(source="customer.code", read_only=True)
    currency = serializers.PrimaryKeyRelatedField(
        queryset=Currency.objects.all(),
        required=False,
        help_text="Defaults to the sales order's currency, else the customer's; must be the order's.",
    )
    lines = CreditNoteLineSerializer(many=True, required=False)
    lines_total = serializers.SerializerMethodField(help_text="The sum of the line amounts now.")

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "sales_order",
            "currency",
            "status",
            "reason",
            "issue_date",
            "restocking_fee",
            "total",
            "lines_total",
            "applied_at",
            "notes",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "issue_date", "total", "applied_at", "created_at", "updated_at"]

    def get_lines_total(self, note: CreditNote) -> str:
        currency = note.currency_id
        amounts = [line_amount(line.quantity, line.unit_price, currency) for line in note.lines.all()]
        return str(document_total(amounts, currency))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        instance = self.instance
        customer = attrs.get("customer") or (instance.customer if instance else None)
        order = attrs.get("sales_order", instance.sales_order if instance else None)
        if order is not None and customer is not None and order.customer_id != customer.pk:
            raise serializers.ValidationError({"sales_order": [f"{order} is not an order of this customer."]})
        if instance is None and "currency" not in attrs and customer is not None:
            attrs["currency"] = order.currency if order is not None else customer.currency
        currency = attrs.get("currency") or (instance.currency if instance else None)
        if order is not None and currency is not None and currency.pk != order.currency_id:
            raise serializers.ValidationError(
                {"currency": [f"Use {order.currency_id}, the currency of {order}."]}
            )
        foreign = [
            row["sales_order_line"].pk
            for row in attrs.get("lines", [])
            if row.get("sales_order_line") is not None
            and (order is None or row["sales_order_line"].order_id != order.pk)
        ]
        if foreign:
            where = f"{order}" if order is not None else "the note's sales order (none is set)"
            raise serializers.ValidationError(
                {"lines": [f"Sales-order line {', '.join(map(str, foreign))} is not a line of {where}."]}
            )
        return attrs
