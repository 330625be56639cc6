"""The audit chain's rows. Inserted unsealed in the business transaction; the sealer hashes them."""

from django.db import models
from django.utils import timezone

from .base import TenantOptionalModel
from .refs import ActorFields

# Version 1 hashed the labels too; version 2 hashes kinds and ids only, so erasure can clear labels.
LEGACY_HASH_VERSION = 1
CURRENT_HASH_VERSION = 2


class AuditEvent(TenantOptionalModel, ActorFields):
    """One thing that happened. Never updated or deleted (a database trigger enforces it),
    except the sealer filling ``sequence``/``prev_hash``/``hash``/``sealed_at`` once and erasure
    clearing the erasable part. ``personal`` (email, IP, user agent) is outside the hash; from
    hash version 2 on, so are the readable labels (``actor_label``, ``object_label``).
    """

    occurred_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    personal = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    hash_version = models.PositiveSmallIntegerField(
        default=CURRENT_HASH_VERSION, editable=False, help_text="Which canonical form the hash covers."
    )
    sequence = models.BigIntegerField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)
    sealed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "sequence"],
                condition=models.Q(tenant__isnull=False, sequence__isnull=False),
                name="core_audit_tenant_sequence_uniq",
            ),
            models.UniqueConstraint(
                fields=["sequence"],
                condition=models.Q(tenant__isnull=True, sequence__isnull=False),
                name="core_audit_global_sequence_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "occurred_at"], name="core_audit_tenant_time_idx"),
            models.Index(fields=["action"], name="core_audit_action_idx"),
            # A tenant's actions, for the admin's action filter (read by skipping through it).
            models.Index(fields=["tenant", "action"], name="core_audit_tenant_action_idx"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
            # Erasure and the "by this actor" filter look events up by actor.
            models.Index(fields=["actor_kind", "actor_id"], name="core_audit_actor_idx"),
            # Platform operators list every chain by time.
            models.Index(fields=["occurred_at", "id"], name="core_audit_time_idx"),
            models.Index(
                fields=["tenant", "id"],
                condition=models.Q(sealed_at__isnull=True),
                name="core_audit_unsealed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label or self.actor_kind}"
