"""Landed costs: third-party charges (freight, duty ...) capitalised onto the goods of posted receipts.

``draft → computed → approved → posted → reversed``; ``draft/computed/approved → cancelled``
(with a reason). Every step is a transition whose writes live in
``supply_chain_ops.workflows.landed_costs``. A posted landed cost is never edited: reversing it
posts the opposite value and keeps the reversal's journal beside the posting's.
"""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.money import amount_field, currency_field
from nexus.core.transitions import transition_options
from supply_chain_ops.services.allocation import SplitMethod
from supply_chain_ops.services.journal import journal_totals

LANDED_COST_POSTED = "supply_chain.landed_cost_posted"
LANDED_COST_REVERSED = "supply_chain.landed_cost_reversed"


class LandedCostStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPUTED = "computed", "Computed"
    APPROVED = "approved", "Approved"
    POSTED = "posted", "Posted"
    REVERSED = "reversed", "Reversed"
    CANCELLED = "cancelled", "Cancelled"


#: States in which a landed cost holds the bill lines it claims.
CLAIMING_STATES = (
    LandedCostStatus.DRAFT,
    LandedCostStatus.COMPUTED,
    LandedCostStatus.APPROVED,
    LandedCostStatus.POSTED,
)


class ChargeKind(models.TextChoices):
    FREIGHT = "freight", "Freight"
    DUTY = "duty", "Duty"
    INSURANCE = "insurance", "Insurance"
    HANDLING = "handling", "Handling"
    OTHER = "other", "Other"


SPLIT_METHOD_CHOICES = [(method.value, method.value.replace("_", " ").capitalize()) for method in SplitMethod]


class LandedCost(VersionedWorkflowModel, TenantScopedModel):
    number = models.CharField(max_length=32, editable=False)
    description = models.CharField(max_length=200, blank=True)
    cost_date = models.DateField(
        default=timezone.localdate, help_text="The day whose exchange rates convert charges without a bill."
    )
    status = FSMField(
        max_length=16, choices=LandedCostStatus.choices, default=LandedCostStatus.DRAFT, protected=True
    )
    source_bill = models.ForeignKey(
        "procurement.VendorBill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The approved bill this draft was made from, if any.",
    )
    currency = currency_field(null=True, blank=True, editable=False, help_text="The tenant's currency.")
    total = amount_field(null=True, blank=True, editable=False)
    capitalised = amount_field(null=True, blank=True, editable=False, help_text="Added to stock on hand.")
    cost_of_goods_sold = amount_field(
        null=True, blank=True, editable=False, help_text="The part whose goods were already consumed."
    )
    review = models.JSONField(default=dict, editable=False, help_text="Pool averages before and after.")
    journal = models.JSONField(default=list, editable=False)
    reversal_journal = models.JSONField(default=list, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    posted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reversed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="supply_chain_landedcost_number_uniq"),
        ]
        permissions = [
            ("approve_landedcost", "Can approve landed cost"),
            ("post_landedcost", "Can post and reverse landed cost"),
        ]

    def __str__(self) -> str:
        return self.number or f"Landed cost #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == LandedCostStatus.DRAFT

    @transition(
        field=status,
        source=[LandedCostStatus.DRAFT, LandedCostStatus.COMPUTED],
        target=LandedCostStatus.COMPUTED,
        permission="supply_chain_ops.change_landedcost",
        custom=transition_options(label="Compute", done_label="Computed", allow_system=True),
    )
    def compute(self) -> None:
        """Convert the charges and allocate them over the receipt lines (the workflow's writes)."""
        self.computed_at = timezone.now()

    @transition(
        field=status,
        source=LandedCostStatus.COMPUTED,
        target=LandedCostStatus.APPROVED,
        permission="supply_chain_ops.approve_landedcost",
        custom=transition_options(label="Approve", done_label="Approved"),
    )
    def approve(self) -> None:
        """Accept the reviewed allocation table for posting."""

    @transition(
        field=status,
        source=LandedCostStatus.APPROVED,
        target=LandedCostStatus.POSTED,
        permission="supply_chain_ops.post_landedcost",
        custom=transition_options(label="Post", done_label="Posted", event=LANDED_COST_POSTED),
    )
    def post(self) -> None:
        """Capitalise the on-hand part into stock and record the rest as cost of goods sold."""
        self.posted_at = timezone.now()

    @transition(
        field=status,
        source=LandedCostStatus.POSTED,
        target=LandedCostStatus.REVERSED,
        permission="supply_chain_ops.post_landedcost",
        custom=transition_options(
            label="Reverse", done_label="Reversed", requires_reason=True, event=LANDED_COST_REVERSED
        ),
    )
    def reverse(self) -> None:
        """Post the opposite value: off the goods still on hand now, the rest off cost of goods sold."""
        self.reversed_at = timezone.now()

    @transition(
        field=status,
        source=[LandedCostStatus.DRAFT, LandedCostStatus.COMPUTED, LandedCostStatus.APPROVED],
        target=LandedCostStatus.CANCELLED,
        permission="supply_chain_ops.change_landedcost",
        custom=transition_options(label="Cancel", done_label="Cancelled", requires_reason=True),
    )
    def cancel(self) -> None:
        """Give up the landed cost; the bill lines it claimed are free again."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The payload of ``landed_cost_posted`` / ``_reversed``: signed totals from its journal."""
        journal = journal_totals(self.reversal_journal if transition_name == "reverse" else self.journal)
        return {
            "landed_cost_id": self.pk,
            "number": self.number,
            "currency": self.currency_id,
            "capitalised": journal.inventory,
            "cost_of_goods_sold": journal.cost_of_goods_sold,
            "total": journal.inventory + journal.cost_of_goods_sold,
            "goods_receipt_ids": sorted(self.receipts.values_list("goods_receipt_id", flat=True)),
        }


class LandedCostReceipt(TenantScopedModel):
    """A posted goods receipt whose goods a landed cost burdens."""

    landed_cost = models.ForeignKey(LandedCost, on_delete=models.CASCADE, related_name="receipts")
    goods_receipt = models.ForeignKey("procurement.GoodsReceipt", on_delete=models.PROTECT, related_name="+")

    class Meta(TenantScopedModel.Meta):
        ordering = ["landed_cost_id", "goods_receipt_id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["landed_cost", "goods_receipt"], name="supply_chain_landedcostreceipt_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.landed_cost_id} → {self.goods_receipt_id}"


class LandedCostCharge(TenantScopedModel):
    """One charge, in its own currency, with its split method; converted once on compute."""

    landed_cost = models.ForeignKey(LandedCost, on_delete=models.CASCADE, related_name="charges")
    kind = models.CharField(max_length=16, choices=ChargeKind.choices, default=ChargeKind.FREIGHT)
    description = models.CharField(max_length=200, blank=True)
    amount = amount_field()
    currency = currency_field()
    split_method = models.CharField(
        max_length=20, choices=SPLIT_METHOD_CHOICES, default=SplitMethod.BY_VALUE.value
    )
    manual_percent = models.BooleanField(
        default=False, help_text="Manual shares are percentages (else amounts in the charge's currency)."
    )
    manual_shares = models.JSONField(
        default=dict, blank=True, help_text="Manual split: receipt line id → amount or percentage."
    )
    bill_line = models.ForeignKey(
        "procurement.VendorBillLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bill_number = models.CharField(max_length=32, blank=True, editable=False)
    rate_date = models.DateField(null=True, blank=True, editable=False)
    rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True, editable=False)
    converted = amount_field(null=True, blank=True, editable=False, help_text="In the tenant's currency.")

    class Meta(TenantScopedModel.Meta):
        ordering = ["landed_cost_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="supply_chain_landedcostcharge_amount_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency_id}"


class LandedCostAllocation(TenantScopedModel):
    """A charge's part for one receipt line: basis, exact share, allocation, on hand and consumed."""

    landed_cost = models.ForeignKey(LandedCost, on_delete=models.CASCADE, related_name="allocations")
    charge = models.ForeignKey(LandedCostCharge, on_delete=models.CASCADE, related_name="allocations")
    receipt_line = models.ForeignKey(
        "procurement.GoodsReceiptLine", on_delete=models.PROTECT, related_name="+"
    )
    receipt_number = models.CharField(max_length=32)
    move_id = models.BigIntegerField()
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    quantity = models.DecimalField(max_digits=20, decimal_places=4)
    basis = models.DecimalField(max_digits=36, decimal_places=10)
    exact_share = models.DecimalField(max_digits=36, decimal_places=10)
    amount = amount_field()
    on_hand = models.JSONField(default=dict, help_text="Warehouse id → the part on hand there.")
    consumed = amount_field(help_text="The part whose goods were already consumed.")

    class Meta(TenantScopedModel.Meta):
        ordering = ["charge_id", "id"]

    def __str__(self) -> str:
        return f"{self.sku}: {self.amount}"
