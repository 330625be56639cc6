"""Replenishment runs: what to buy and what to move, per product and warehouse, and why.

``running → proposed → approved → released``; a new run supersedes the previous unreleased one
(``proposed``/``approved → superseded``). A run is computed in one transaction, so one that cannot
finish leaves nothing behind. The writes of
each step live in ``supply_chain_ops.workflows.replenishment``.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import condition, transition_options

from .transfers import TransferOrder, quantity_field

REPLENISHMENT_PROPOSED = "supply_chain.replenishment_proposed"
REPLENISHMENT_RELEASED = "supply_chain.replenishment_released"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    RELEASED = "released", "Released"
    SUPERSEDED = "superseded", "Superseded"


#: States of a run whose suggestions are still open (a new run supersedes it).
UNRELEASED_STATES = (RunStatus.PROPOSED, RunStatus.APPROVED)


class SuggestionKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    TRANSFER = "transfer", "Transfer"


class Decision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


@condition("the run has no approved lines")
def has_approved_lines(run: "ReplenishmentRun") -> bool:
    return run.lines.filter(decision=Decision.APPROVED).exists()


class ReplenishmentRun(VersionedWorkflowModel, TenantScopedModel):
    """One planning pass over every product and warehouse with demand history."""

    number = models.CharField(max_length=32, editable=False)
    status = FSMField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING, protected=True)
    trigger = models.CharField(max_length=16, default="manual", editable=False, help_text="manual or nightly")
    history_start = models.DateField(null=True, editable=False)
    history_end = models.DateField(null=True, editable=False)
    series_count = models.PositiveIntegerField(default=0, editable=False)
    settings = models.JSONField(default=dict, editable=False, help_text="The policy the run used.")
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["tenant", "number"], name="supply_chain_replenishment_number_uniq"
            ),
        ]
        permissions = [
            ("run_replenishmentrun", "Can start a replenishment run"),
            ("approve_replenishmentrun", "Can approve replenishment run"),
            ("release_replenishmentrun", "Can release replenishment run"),
        ]

    def __str__(self) -> str:
        return self.number or f"Replenishment run #{self.pk}"

    @property
    def is_draft(self) -> bool:
        """A run is never edited: its lines change by decisions, the run by transitions."""
        return False

    @transition(
        field=status,
        source=RunStatus.RUNNING,
        target=RunStatus.PROPOSED,
        permission="supply_chain_ops.run_replenishmentrun",
        custom=transition_options(
            label="Propose", done_label="Proposed", event=REPLENISHMENT_PROPOSED, allow_system=True
        ),
    )
    def propose(self) -> None:
        """The suggestions are computed and wait for a planner."""
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=RunStatus.PROPOSED,
        target=RunStatus.APPROVED,
        permission="supply_chain_ops.approve_replenishmentrun",
        custom=transition_options(label="Approve", done_label="Approved"),
    )
    def approve(self) -> None:
        """Accept the run: lines still pending are approved, rejected ones stay rejected."""

    @transition(
        field=status,
        source=RunStatus.APPROVED,
        target=RunStatus.RELEASED,
        conditions=[has_approved_lines],
        permission="supply_chain_ops.release_replenishmentrun",
        custom=transition_options(label="Release", done_label="Released", event=REPLENISHMENT_RELEASED),
    )
    def release(self) -> None:
        """Approved purchases become requisitions per vendor; rejected transfers are cancelled."""
        self.released_at = timezone.now()

    @transition(
        field=status,
        source=list(UNRELEASED_STATES),
        target=RunStatus.SUPERSEDED,
        permission="supply_chain_ops.run_replenishmentrun",
        custom=transition_options(label="Supersede", done_label="Superseded", allow_system=True),
    )
    def supersede(self) -> None:
        """A newer run replaces this one; its draft transfers are cancelled."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        lines = self.lines.values_list("kind", "decision", "requisition_id", "transfer_order_id")
        return {
            "replenishment_run_id": self.pk,
            "number": self.number,
            "status": self.status,
            "purchase_lines": sum(1 for kind, *_ in lines if kind == SuggestionKind.PURCHASE),
            "transfer_lines": sum(1 for kind, *_ in lines if kind == SuggestionKind.TRANSFER),
            "requisition_ids": sorted({r for *_, r, _ in lines if r is not None}),
        }


def _explained(
    max_digits: int = 18, places: int = 4, **kwargs: Any
) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(max_digits=max_digits, decimal_places=places, editable=False, **kwargs)


#: A line's figures, in the order its explanation gives them (its screens and API show them so).
EXPLAINED_FIGURES = (
    "method",
    "forecast_daily",
    "sigma_daily",
    "lead_time_days",
    "lead_time_sigma",
    "lead_time_source",
    "safety_stock",
    "reorder_point",
    "order_up_to",
    "eoq",
    "on_hand",
    "in_progress",
    "position",
    "wanted",
    "minimum_order_quantity",
    "order_multiple",
)


class ReplenishmentLine(TenantScopedModel):
    """A suggestion for one product and warehouse, with every figure that led to it."""

    run = models.ForeignKey(ReplenishmentRun, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64, editable=False)
    kind = models.CharField(max_length=16, choices=SuggestionKind.choices, editable=False)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    vendor = models.ForeignKey(
        "procurement.Vendor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    source_warehouse = models.ForeignKey(
        "inventory.Warehouse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    transfer_order = models.ForeignKey(
        TransferOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    requisition = models.ForeignKey(
        "procurement.Requisition",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    quantity = quantity_field("quantity", editable=False)
    method = models.CharField(max_length=16, editable=False)
    forecast_daily = _explained(help_text="Forecast demand per day over the lead time.")
    sigma_daily = _explained(help_text="Daily forecast error (one-step).")
    lead_time_days = models.PositiveIntegerField(editable=False)
    lead_time_sigma = _explained()
    lead_time_source = models.CharField(max_length=16, editable=False)
    safety_stock = _explained()
    reorder_point = _explained()
    order_up_to = _explained()
    eoq = _explained(null=True)
    on_hand = _explained(help_text="Sellable on hand less reserved.")
    in_progress = _explained(
        help_text="Open purchases, requisitions and transfers coming in, less drafts going out."
    )
    position = _explained()
    wanted = _explained(help_text="Quantity wanted before rounding.")
    minimum_order_quantity = _explained(default=Decimal(0))
    order_multiple = _explained(default=Decimal(1))
    explanation = models.TextField(editable=False)
    chart = models.JSONField(default=dict, editable=False, help_text="Recent history and forecast by day.")

    class Meta(TenantScopedModel.Meta):
        ordering = ["run_id", "sku", "id"]

    def __str__(self) -> str:
        return f"{self.run}: {self.get_kind_display().lower()} {self.quantity.normalize():f} {self.sku}"
