"""Credit notes: money owed back to a customer, optionally for lines of a sales order."""

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
from nexus.sales.amounts import line_amount

CREDIT_NOTE_ISSUED = "receivable.credit_note_issued"


class CreditNoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    APPLIED = "applied", "Applied"
    VOID = "void", "Void"


def _lines(note: "CreditNote") -> list["CreditNoteLine"]:
    return list(note.lines.all())


@condition("the credit note has no lines")
def note_has_lines(note: "CreditNote") -> bool:
    return bool(_lines(note))


def _foreign_order_lines(note: "CreditNote") -> list[str]:
    return sorted(
        str(line.sales_order_line_id)
        for line in _lines(note)
        if line.sales_order_line is not None
        and (note.sales_order_id is None or line.sales_order_line.order_id != note.sales_order_id)
    )


@condition(
    lambda note: f"sales order line {', '.join(_foreign_order_lines(note))} is not a line of "
    f"{note.sales_order or 'its sales order (none is set)'}"
)
def lines_belong_to_order(note: "CreditNote") -> bool:
    return not _foreign_order_lines(note)


class CreditNote(VersionedWorkflowModel, TenantScopedModel):
    """What the customer is credited. Its number (gap-free) and total are fixed when issued.

    Amounts are in the credit note's currency, which is the sales order's when it has one.
    """

    number = models.CharField(max_length=32, blank=True, editable=False, help_text="Assigned when issued.")
    customer = models.ForeignKey("sales.Customer", on_delete=models.PROTECT, related_name="credit_notes")
    sales_order = models.ForeignKey(
        "sales.SalesOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    status = FSMField(
        max_length=16, choices=CreditNoteStatus.choices, default=CreditNoteStatus.DRAFT, protected=True
    )
    reason = models.CharField(max_length=200, help_text="Why the customer is credited (shown on the note).")
    issue_date = models.DateField(null=True, blank=True, editable=False)
    restocking_fee = amount_field(
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Deducted from the lines for restocked returns (the total never goes below zero).",
    )
    total = amount_field(null=True, blank=True, editable=False, help_text="Fixed when issued.")
    applied_at = models.DateTimeField(null=True, blank=True, editable=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["tenant", "number"], condition=~Q(number=""), name="receivable_creditnote_number_uniq"
            ),
            models.CheckConstraint(
                condition=Q(restocking_fee__gte=0), name="receivable_creditnote_restocking_fee_gte_0"
            ),
        ]
        permissions = [
            ("issue_creditnote", "Can issue credit note"),
            ("apply_creditnote", "Can apply credit note"),
            ("void_creditnote", "Can void credit note"),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft credit note #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == CreditNoteStatus.DRAFT

    @transition(
        field=status,
        source=CreditNoteStatus.DRAFT,
        target=CreditNoteStatus.ISSUED,
        conditions=[note_has_lines, lines_belong_to_order],
        permission="receivable.issue_creditnote",
        custom=transition_options(label="Issue", done_label="Issued", event=CREDIT_NOTE_ISSUED),
    )
    def issue(self) -> None:
        """Give the note to the customer; its number and total are fixed by the issue's writes."""
        self.issue_date = timezone.localdate()

    @transition(
        field=status,
        source=CreditNoteStatus.ISSUED,
        target=CreditNoteStatus.APPLIED,
        permission="receivable.apply_creditnote",
        custom=transition_options(label="Apply", done_label="Applied"),
    )
    def apply(self) -> None:
        """Record that the credit was used (refunded or set against an invoice; say which in the reason)."""
        self.applied_at = timezone.now()

    @transition(
        field=status,
        source=CreditNoteStatus.ISSUED,
        target=CreditNoteStatus.VOID,
        permission="receivable.void_creditnote",
        custom=transition_options(label="Void", done_label="Voided", requires_reason=True),
    )
    def void(self) -> None:
        """Cancel an issued note that was wrong; it keeps its number, and its quantities count no more."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The ``receivable.credit_note_issued`` payload."""
        currency = self.currency_id
        return {
            "credit_note_id": self.pk,
            "number": self.number,
            "customer_id": self.customer_id,
            "sales_order_id": self.sales_order_id,
            "currency": self.currency_id,
            "total": round_to_currency(self.total, currency) if self.total is not None else None,
            "restocking_fee": round_to_currency(self.restocking_fee, currency),
            "issue_date": self.issue_date,
            "lines": [
                {
                    "line_id": line.pk,
                    "sales_order_line_id": line.sales_order_line_id,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "amount": line_amount(line.quantity, line.unit_price, currency),
                }
                for line in self.lines.order_by("id")
            ],
        }


class CreditNoteLine(TenantScopedModel):
    """A credited quantity at a unit price, optionally for a sales-order line (priced from it)."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    sales_order_line = models.ForeignKey(
        "sales.SalesOrderLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note_lines",
    )
    description = models.CharField(max_length=200, blank=True)
    quantity = quantity_field(default=Decimal(1), validators=[MinValueValidator(Decimal("0.0001"))])
    unit_price = price_field(help_text="Net of any discount of the sales-order line.")

    class Meta(TenantScopedModel.Meta):
        ordering = ["credit_note_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receivable_cnline_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="receivable_cnline_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_note}: {self.quantity.normalize():f} x {self.unit_price}"
