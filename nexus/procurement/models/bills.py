"""Vendor bills: what a vendor charges, including landed-cost charges on goods receipts."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.money import amount_field, round_to_currency
from nexus.core.transitions import condition, transition_options
from nexus.inventory.document_fields import price_field, quantity_field
from nexus.procurement.amounts import line_amount

from .receipts import GoodsReceiptStatus

VENDOR_BILL_APPROVED = "procurement.vendor_bill_approved"


class VendorBillStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"


class BillLineKind(models.TextChoices):
    GOODS = "goods", "Goods"
    EXPENSE = "expense", "Expense (not capitalised)"
    FREIGHT = "freight", "Freight"
    DUTY = "duty", "Duty"
    INSURANCE = "insurance", "Insurance"
    OTHER = "other", "Other landed cost"


# Kinds that are landed-cost charges: capitalised onto the goods of the receipts they name.
LANDED_COST_KINDS = (BillLineKind.FREIGHT, BillLineKind.DUTY, BillLineKind.INSURANCE, BillLineKind.OTHER)


def _lines(bill: "VendorBill") -> list["VendorBillLine"]:
    return list(bill.lines.all())


@condition("the bill has no lines")
def bill_has_lines(bill: "VendorBill") -> bool:
    return bool(_lines(bill))


def _charges_without_receipts(bill: "VendorBill") -> list[str]:
    return [
        f"{line.get_kind_display().lower()} line “{line.description or line.pk}”"
        for line in _lines(bill)
        if line.kind in LANDED_COST_KINDS and not list(line.goods_receipts.all())
    ]


@condition(lambda bill: f"{', '.join(_charges_without_receipts(bill))} names no goods receipt")
def charges_name_receipts(bill: "VendorBill") -> bool:
    return not _charges_without_receipts(bill)


def _unposted_receipts(bill: "VendorBill") -> list[str]:
    return sorted(
        {
            str(receipt)
            for line in _lines(bill)
            for receipt in line.goods_receipts.all()
            if receipt.status != GoodsReceiptStatus.POSTED
        }
    )


@condition(lambda bill: f"goods receipt {', '.join(_unposted_receipts(bill))} is not posted")
def charged_receipts_posted(bill: "VendorBill") -> bool:
    return not _unposted_receipts(bill)


class VendorBill(VersionedWorkflowModel, TenantScopedModel):
    """A vendor's invoice. Approval fixes its total and announces its landed-cost charges."""

    number = models.CharField(max_length=32, editable=False)
    vendor = models.ForeignKey("procurement.Vendor", on_delete=models.PROTECT, related_name="bills")
    vendor_invoice_number = models.CharField(
        max_length=64, help_text="The number on the vendor's invoice; unique per vendor."
    )
    purchase_order = models.ForeignKey(
        "procurement.PurchaseOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        help_text="The order the bill is for, if any.",
    )
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    bill_date = models.DateField(default=timezone.localdate)
    due_date = models.DateField(null=True, blank=True)
    status = FSMField(
        max_length=16, choices=VendorBillStatus.choices, default=VendorBillStatus.DRAFT, protected=True
    )
    total = amount_field(null=True, blank=True, editable=False, help_text="Fixed on approval.")
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(null=True, blank=True, editable=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-bill_date", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="procurement_vendorbill_number_uniq"),
            models.UniqueConstraint(
                fields=["vendor", "vendor_invoice_number"],
                name="procurement_vendorbill_vendor_invoice_uniq",
                violation_error_message="This vendor's invoice number is already on another bill.",
            ),
        ]
        permissions = [
            ("approve_vendorbill", "Can approve vendor bill"),
            ("pay_vendorbill", "Can mark vendor bill paid"),
        ]

    def __str__(self) -> str:
        return self.number or f"Vendor bill #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == VendorBillStatus.DRAFT

    @transition(
        field=status,
        source=VendorBillStatus.DRAFT,
        target=VendorBillStatus.APPROVED,
        conditions=[bill_has_lines, charges_name_receipts, charged_receipts_posted],
        permission="procurement.approve_vendorbill",
        custom=transition_options(label="Approve", done_label="Approved", event=VENDOR_BILL_APPROVED),
    )
    def approve(self) -> None:
        """Accept the bill as owed; its total is fixed by the approval's writes."""
        self.approved_at = timezone.now()

    @transition(
        field=status,
        source=VendorBillStatus.APPROVED,
        target=VendorBillStatus.PAID,
        permission="procurement.pay_vendorbill",
        custom=transition_options(label="Mark paid", done_label="Marked paid"),
    )
    def pay(self) -> None:
        """Record that the bill was paid (the reason may carry the payment reference)."""
        self.paid_at = timezone.now()

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The ``procurement.vendor_bill_approved`` payload: total and lines with their receipts."""
        currency = self.currency_id
        lines = self.lines.prefetch_related("goods_receipts").order_by("id")
        return {
            "bill_id": self.pk,
            "number": self.number,
            "vendor_id": self.vendor_id,
            "currency": self.currency_id,
            "total": round_to_currency(self.total, currency) if self.total is not None else None,
            "bill_date": self.bill_date,
            "lines": [
                {
                    "bill_line_id": line.pk,
                    "kind": line.kind,
                    "amount": line_amount(line.quantity, line.unit_price, currency),
                    "goods_receipt_ids": sorted(receipt.pk for receipt in line.goods_receipts.all()),
                }
                for line in lines
            ],
        }


class VendorBillLine(TenantScopedModel):
    """A charge on a bill. Landed-cost kinds name the goods receipts whose goods they burden."""

    bill = models.ForeignKey(VendorBill, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=16, choices=BillLineKind.choices, default=BillLineKind.GOODS)
    description = models.CharField(max_length=200, blank=True)
    purchase_order_line = models.ForeignKey(
        "procurement.PurchaseOrderLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bill_lines",
        help_text="For goods: the order line billed.",
    )
    quantity = quantity_field(default=Decimal(1), validators=[MinValueValidator(Decimal("0.0001"))])
    unit_price = price_field()
    goods_receipts = models.ManyToManyField(
        "procurement.GoodsReceipt",
        through="procurement.VendorBillLineReceipt",
        related_name="charge_lines",
        blank=True,
        help_text="For landed-cost charges: the receipts whose goods the charge burdens.",
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["bill_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="procurement_billline_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="procurement_billline_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.bill}: {self.get_kind_display()} {self.quantity.normalize():f} x {self.unit_price}"

    @property
    def is_landed_cost(self) -> bool:
        return self.kind in LANDED_COST_KINDS


class VendorBillLineReceipt(TenantScopedModel):
    """A landed-cost charge line's reference to one goods receipt it burdens."""

    line = models.ForeignKey(VendorBillLine, on_delete=models.CASCADE, related_name="receipt_links")
    goods_receipt = models.ForeignKey(
        "procurement.GoodsReceipt", on_delete=models.PROTECT, related_name="charge_links"
    )

    class Meta(TenantScopedModel.Meta):
        verbose_name = "charged goods receipt"
        ordering = ["line_id", "goods_receipt_id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["line", "goods_receipt"], name="procurement_billreceipt_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.goods_receipt_id}"
