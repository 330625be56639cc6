"""Per-tenant document number counters (``RMA-2026-000042``)."""

from django.db import models

from .base import TenantScopedModel


class SequenceCounter(TenantScopedModel):
    doc_type = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last_value = models.BigIntegerField(default=0)

    class Meta(TenantScopedModel.Meta):
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["tenant", "doc_type", "year"], name="core_sequence_counter_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}-{self.year}: {self.last_value}"
