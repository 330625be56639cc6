"""The transition log: one row per state change made by the transition service."""

from django.db import models
from django.utils import timezone

from .base import TenantOptionalModel
from .refs import ActorFields


class TransitionLog(TenantOptionalModel, ActorFields):
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    transition = models.CharField(max_length=64)
    from_state = models.CharField(max_length=64)
    to_state = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    payload_hash = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="core_transitionlog_idempotency_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id", "occurred_at"], name="core_tlog_object_idx"),
            models.Index(fields=["tenant", "occurred_at"], name="core_tlog_tenant_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}: {self.from_state} → {self.to_state} ({self.transition})"
