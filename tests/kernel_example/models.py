"""Example tenant-scoped models with an FSM, used by the kernel's tests."""

from django.db import models
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel


class GadgetKind(TenantScopedModel):
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class GadgetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    ARCHIVED = "archived", "Archived"


class Gadget(TenantScopedModel):
    name = models.CharField(max_length=100)
    kind = models.ForeignKey(
        GadgetKind, on_delete=models.PROTECT, null=True, blank=True, related_name="gadgets"
    )
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    status = FSMField(max_length=16, choices=GadgetStatus.choices, default=GadgetStatus.DRAFT, protected=True)

    def __str__(self) -> str:
        return self.name

    @transition(field=status, source=GadgetStatus.DRAFT, target=GadgetStatus.APPROVED)
    def approve(self) -> None:
        pass

    @transition(
        field=status, source=[GadgetStatus.DRAFT, GadgetStatus.APPROVED], target=GadgetStatus.ARCHIVED
    )
    def archive(self) -> None:
        pass
