"""Example tenant-scoped models with an FSM, used by the kernel's tests and docs."""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, WorkflowModel
from nexus.core.transitions import condition, transition_options


class GadgetKind(TenantScopedModel):
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class GadgetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ARCHIVED = "archived", "Archived"


@condition("gadget has no quantity")
def has_quantity(gadget: "Gadget") -> bool:
    return gadget.quantity > 0


class Gadget(WorkflowModel, TenantScopedModel):
    name = models.CharField(max_length=100)
    kind = models.ForeignKey(
        GadgetKind, on_delete=models.PROTECT, null=True, blank=True, related_name="gadgets"
    )
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    status = FSMField(max_length=16, choices=GadgetStatus.choices, default=GadgetStatus.DRAFT, protected=True)

    class Meta(TenantScopedModel.Meta):
        constraints = [*TenantScopedModel.Meta.constraints]
        permissions = [("approve_gadget", "Can approve gadget")]

    def __str__(self) -> str:
        return self.name

    @transition(
        field=status,
        source=GadgetStatus.DRAFT,
        target=GadgetStatus.APPROVED,
        conditions=[has_quantity],
        permission="kernel_example.approve_gadget",
        custom=transition_options(label="Approve", done_label="Approved"),
    )
    def approve(self) -> None:
        pass

    @transition(
        field=status,
        source=GadgetStatus.DRAFT,
        target=GadgetStatus.REJECTED,
        custom=transition_options(label="Reject", done_label="Rejected", requires_reason=True),
    )
    def reject(self) -> None:
        pass

    @transition(
        field=status,
        source=[GadgetStatus.DRAFT, GadgetStatus.APPROVED, GadgetStatus.REJECTED],
        target=GadgetStatus.ARCHIVED,
        custom=transition_options(label="Archive", done_label="Archived", allow_system=True),
    )
    def archive(self) -> None:
        self.quantity = 0

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The payload of the event a transition declares (tests declare one temporarily)."""
        return {"gadget_id": self.pk, "status": self.status}


class GadgetNote(TenantScopedModel):
    """A note written by a transition's declared writes under the gadget's lock."""

    gadget = models.ForeignKey(Gadget, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantScopedModel.Meta):
        constraints = [*TenantScopedModel.Meta.constraints]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]
