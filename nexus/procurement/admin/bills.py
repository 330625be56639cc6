"""Vendor bills, with the goods receipts their landed-cost charges burden, in the admin."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from nexus.procurement.amounts import document_total, line_amount
from nexus.procurement.models import (
    LANDED_COST_KINDS,
    GoodsReceipt,
    GoodsReceiptStatus,
    PurchaseOrderLine,
    VendorBill,
    VendorBillLine,
    VendorBillLineReceipt,
)

from .documents import DocumentAdmin, DraftLinesInline


class VendorBillLineForm(forms.ModelForm):
    """A bill line, with the goods receipts a landed-cost charge burdens typed as their numbers."""

    receipt_numbers = forms.CharField(
        label="goods receipts",
        required=False,
        help_text="For landed-cost charges: the numbers of the posted receipts it burdens, comma-separated.",
    )

    class Meta:
        model = VendorBillLine
        fields = ("kind", "description", "purchase_order_line", "quantity", "unit_price")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            numbers = [receipt.number for receipt in self.instance.goods_receipts.all()]
            self.fields["receipt_numbers"].initial = ", ".join(sorted(numbers))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        numbers = sorted({n.strip() for n in cleaned.get("receipt_numbers", "").split(",") if n.strip()})
        if numbers and cleaned.get("kind") not in LANDED_COST_KINDS:
            self.add_error(
                "receipt_numbers", "Only landed-cost charges (freight, duty, insurance, other) name receipts."
            )
            return cleaned
        found = {r.number: r for r in GoodsReceipt.objects.filter(number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        unposted = [n for n in numbers if n in found and found[n].status != GoodsReceiptStatus.POSTED]
        if unknown:
            self.add_error("receipt_numbers", f"No goods receipt {', '.join(unknown)}.")
        elif unposted:
            self.add_error(
                "receipt_numbers", f"{', '.join(unposted)} is not posted; charge posted receipts only."
            )
        cleaned["goods_receipt_list"] = [found[n] for n in numbers if n in found]
        return cleaned


class VendorBillLineInline(DraftLinesInline):
    model = VendorBillLine
    form = VendorBillLineForm
    fields = (
        "kind",
        "description",
        "purchase_order_line",
        "quantity",
        "unit_price",
        "amount",
        "receipt_numbers",
    )
    readonly_fields = ("amount",)
    source_lines = (
        "purchase_order_line",
        lambda bill: PurchaseOrderLine.objects.filter(order_id=bill.purchase_order_id),
    )

    @admin.display(description="amount")
    def amount(self, line: VendorBillLine) -> Decimal | str:
        if line.pk is None:
            return ""
        return line_amount(line.quantity, line.unit_price, line.bill.currency_id)

    @admin.display(description="goods receipts")
    def receipt_numbers(self, line: VendorBillLine) -> str:
        """What a read-only (approved) bill shows for the receipts a charge burdens."""
        return ", ".join(sorted(receipt.number for receipt in line.goods_receipts.all())) or "—"


@admin.register(VendorBill)
class VendorBillAdmin(DocumentAdmin):
    list_display = ("number", "vendor", "vendor_invoice_number", "bill_date", "due_date", "status", "total")
    list_filter = ("status", "currency", "bill_date")
    search_fields = ("number", "vendor_invoice_number", "vendor__code", "vendor__name")
    search_help_text = "Bill number, the vendor's invoice number, or the vendor."
    list_select_related = ("vendor", "currency")
    date_hierarchy = "bill_date"
    ordering = ("-bill_date", "-id")
    autocomplete_fields = ("vendor", "purchase_order")
    fields = (
        "number",
        "vendor",
        "vendor_invoice_number",
        "purchase_order",
        "currency",
        "bill_date",
        "due_date",
        "notes",
        "status",
        "total",
        "lines_total",
        "approved_at",
        "paid_at",
    )
    readonly_fields = ("number", "total", "lines_total", "approved_at", "paid_at")
    inlines = [VendorBillLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[VendorBill]:
        return super().get_queryset(request).prefetch_related("lines")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for line_form in formset.forms:
            line = line_form.instance
            if line.pk is None or "goods_receipt_list" not in getattr(line_form, "cleaned_data", {}):
                continue
            wanted = {receipt.pk for receipt in line_form.cleaned_data["goods_receipt_list"]}
            VendorBillLineReceipt.objects.filter(line=line).exclude(goods_receipt_id__in=wanted).delete()
            have = set(
                VendorBillLineReceipt.objects.filter(line=line).values_list("goods_receipt_id", flat=True)
            )
            VendorBillLineReceipt.objects.bulk_create(
                [
                    VendorBillLineReceipt(tenant_id=line.tenant_id, line=line, goods_receipt_id=pk)
                    for pk in sorted(wanted - have)
                ]
            )

    @admin.display(description="lines total")
    def lines_total(self, bill: VendorBill) -> Decimal | str:
        if bill.pk is None:
            return ""
        currency = bill.currency_id
        return document_total(
            [line_amount(line.quantity, line.unit_price, currency) for line in bill.lines.all()], currency
        )
