"""The transactional outbox: events written with the change, delivered to listeners after commit."""

from django.db import models
from django.utils import timezone

from .base import TenantOptionalModel


class OutboxEvent(TenantOptionalModel):
    name = models.CharField(max_length=100)
    schema_version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)
    request_id = models.CharField(max_length=64, blank=True)
    historical = models.BooleanField(
        default=False, help_text="Loaded history (demo, imports): recorded, never dispatched."
    )
    enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["name", "occurred_at"], name="core_outbox_name_time_idx"),
            # The admin's list, newest first: its first page without sorting every event.
            models.Index(fields=["occurred_at", "id"], name="core_outbox_time_idx"),
            # What the sweeper and the lag report look for; historical events are never dispatched.
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(enqueued_at__isnull=True, historical=False),
                name="core_outbox_undispatched_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (will retry)"
    DEAD = "dead", "Failed (gave up)"


class OutboxDelivery(TenantOptionalModel):
    """One listener's handling of one event; the unique pair makes an effect happen once."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="deliveries")
    listener = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "outbox deliveries"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "listener"], name="core_outbox_delivery_uniq"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="core_delivery_retry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.listener} ← {self.event_id} ({self.status})"
