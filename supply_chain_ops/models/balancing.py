"""Balancing runs: draft transfer orders from warehouses above their level to those below.

``running → proposed → approved``; a new run supersedes the previous unapproved one
(``proposed → superseded``, its draft transfers cancelled). The writes live in
``supply_chain_ops.workflows.balancing``.
"""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, VersionedWorkflowModel
from nexus.core.transitions import transition_options

from .replenishment import RunStatus
from .transfers import TransferOrder, quantity_field

BALANCING_PROPOSED = "supply_chain.balancing_proposed"


class BalancingRun(VersionedWorkflowModel, TenantScopedModel):
    """One pass matching every product's deficits to its surpluses, nearest first."""

    number = models.CharField(max_length=32, editable=False)
    status = FSMField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING, protected=True)
    distance_limit_km = models.DecimalField(max_digits=9, decimal_places=1, null=True, editable=False)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "number"], name="supply_chain_balancing_number_uniq"),
        ]
        permissions = [
            ("run_balancingrun", "Can start a balancing run"),
            ("approve_balancingrun", "Can approve balancing run"),
        ]

    def __str__(self) -> str:
        return self.number or f"Balancing run #{self.pk}"

    @property
    def is_draft(self) -> bool:
        """A run is never edited: its lines change by decisions, the run by transitions."""
        return False

    @transition(
        field=status,
        source=RunStatus.RUNNING,
        target=RunStatus.PROPOSED,
        permission="supply_chain_ops.run_balancingrun",
        custom=transition_options(
            label="Propose", done_label="Proposed", event=BALANCING_PROPOSED, allow_system=True
        ),
    )
    def propose(self) -> None:
        """The transfers are drafted and wait for a planner."""
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=RunStatus.PROPOSED,
        target=RunStatus.APPROVED,
        permission="supply_chain_ops.approve_balancingrun",
        custom=transition_options(label="Approve", done_label="Approved"),
    )
    def approve(self) -> None:
        """Accept the proposals: the draft transfers are approved (their stock reserved)."""

    @transition(
        field=status,
        source=RunStatus.PROPOSED,
        target=RunStatus.SUPERSEDED,
        permission="supply_chain_ops.run_balancingrun",
        custom=transition_options(label="Supersede", done_label="Superseded", allow_system=True),
    )
    def supersede(self) -> None:
        """A newer run replaces this one; its draft transfers are cancelled."""

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        return {
            "balancing_run_id": self.pk,
            "number": self.number,
            "status": self.status,
            "transfer_order_ids": sorted(
                {t for t in self.lines.values_list("transfer_order_id", flat=True) if t is not None}
            ),
        }


class BalancingLine(TenantScopedModel):
    """One proposed move of a product between two warehouses, and why."""

    run = models.ForeignKey(BalancingRun, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64, editable=False)
    source_warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    destination_warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field("quantity", editable=False)
    distance_km = models.DecimalField(max_digits=9, decimal_places=1, editable=False)
    transfer_order = models.ForeignKey(
        TransferOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    explanation = models.TextField(editable=False)

    class Meta(TenantScopedModel.Meta):
        ordering = ["run_id", "sku", "id"]

    def __str__(self) -> str:
        return f"{self.run}: {self.quantity.normalize():f} {self.sku}"
