"""The stored answers to API POSTs sent with an ``Idempotency-Key`` (docs/kernel.md, "Retries")."""

from django.db import models
from django.utils import timezone

from .base import TenantOptionalModel
from .refs import ActorFields


class IdempotencyRecord(TenantOptionalModel, ActorFields):
    """One key of one caller on one route, and the answer its first request received.

    Written in the transaction of the request it answers, so a committed operation always has
    its answer here. ``status_code`` is empty only inside that transaction, while the request
    runs. Tenant-optional: POSTs to global resources (``/me/``, ``/auth/...``) have no tenant.
    """

    # SHA-256 of (tenant, actor, method, route, URL arguments, key): what makes two keys one.
    scope_digest = models.CharField(max_length=64, unique=True)
    key = models.CharField(max_length=128)
    method = models.CharField(max_length=16)
    route = models.TextField(help_text="The resolved URL pattern and its arguments.")
    # Keyed hash of the request's query and body: the same key with another body is refused.
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # What the retention rule deletes by.
            models.Index(fields=["created_at"], name="core_idempotency_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.route} [{self.key}] → {self.status_code or 'running'}"
