"""Requisitions: requests to buy, approved and then converted into draft purchase orders."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options
from nexus.inventory.document_fields import quantity_field


class RequisitionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    CONVERTED = "converted", "Converted"
    REJECTED = "rejected", "Rejected"


@condition("the requisition has no lines")
def requisition_has_lines(requisition: "Requisition") -> bool:
    return bool(list(requisition.lines.all()))


class Requisition(VersionedWorkflowModel, TenantScopedModel):
    """Someone needs goods in a warehouse by a date; approved, it becomes purchase orders."""

    number = models.CharField(max_length=32, editable=False)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="requisitions"
    )
    needed_by = models.DateField(help_text="When the goods are needed (lines may say otherwise).")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    status = FSMField(
        max_length=16, choices=RequisitionStatus.choices, default=RequisitionStatus.DRAFT, protected=True
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="procurement_requisition_number_uniq"),
        ]
        permissions = [
            ("approve_requisition", "Can approve requisition"),
            ("reject_requisition", "Can reject requisition"),
            ("convert_requisition", "Can convert requisition to purchase orders"),
        ]

    def __str__(self) -> str:
        return self.number or f"Requisition #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == RequisitionStatus.DRAFT

    @transition(
        field=status,
        source=RequisitionStatus.DRAFT,
        target=RequisitionStatus.APPROVED,
        conditions=[requisition_has_lines],
        permission="procurement.approve_requisition",
        custom=transition_options(label="Approve", done_label="Approved"),
    )
    def approve(self) -> None:
        """Agree that the goods should be bought."""

    @transition(
        field=status,
        source=[RequisitionStatus.DRAFT, RequisitionStatus.APPROVED],
        target=RequisitionStatus.REJECTED,
        permission="procurement.reject_requisition",
        custom=transition_options(label="Reject", done_label="Rejected", requires_reason=True),
    )
    def reject(self) -> None:
        """Turn the request down, saying why."""

    @transition(
        field=status,
        source=RequisitionStatus.APPROVED,
        target=RequisitionStatus.CONVERTED,
        permission="procurement.convert_requisition",
        custom=transition_options(label="Convert to purchase orders", done_label="Converted"),
    )
    def convert(self) -> None:
        """Create draft purchase orders per vendor (the conversion service's writes)."""


class RequisitionLine(TenantScopedModel):
    """A product and quantity requested, optionally from a named vendor."""

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="requisition_lines"
    )
    quantity = quantity_field(validators=[MinValueValidator(Decimal("0.0001"))])
    needed_by = models.DateField(null=True, blank=True, help_text="Blank: the requisition's date.")
    vendor = models.ForeignKey(
        "procurement.Vendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requisition_lines",
        help_text="Blank: the product's preferred vendor (lowest priority number among active terms).",
    )
    notes = models.CharField(max_length=200, blank=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["requisition_id", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="procurement_reqline_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.requisition}: {self.quantity.normalize():f} of product {self.product_id}"

    def needed(self) -> dt.date:
        """When the line's goods are needed: its own date, else the requisition's."""
        return self.needed_by or self.requisition.needed_by
