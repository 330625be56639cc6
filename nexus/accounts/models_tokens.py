"""Service tokens: tokens for integrations, bound to one tenant, with scopes and an expiry.

A token follows the person who owns it (``created_by``): it is suspended while they may not
work in its tenant, and another administrator can take it over.

A global model (no row-level security) whose tenant is a plain column, so the token
authentication can find it before any tenant is selected; only the SHA-256 of the key is stored.
"""

from django.conf import settings
from django.db import models


class SuspensionReason(models.TextChoices):
    """Why a token stopped with its owner; the owner's way back resumes only its own reason."""

    MEMBERSHIP_SUSPENDED = "owner_membership_suspended", "Owner's membership suspended"
    MEMBERSHIP_REMOVED = "owner_membership_removed", "Owner removed from the tenant"
    ACCOUNT_SUSPENDED = "owner_account_suspended", "Owner's account suspended"
    ACCOUNT_DEACTIVATED = "owner_account_deactivated", "Owner's account closed"


class ServiceToken(models.Model):
    """A token for an integration: one tenant, named scopes (permission names), an expiry.

    A vendor's integration gets a token bound to that vendor (``vendor_id``, see
    ``token_bindings``): it holds only the scopes offered to vendors, for that vendor's documents.
    """

    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="service_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=8, help_text="The first characters of the key, to recognise it.")
    scopes = models.JSONField(default=list, help_text="Permission names, within the creator's role.")
    vendor_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Bound to one vendor of the tenant: the token acts only for that vendor's documents.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspended_at = models.DateTimeField(
        null=True, blank=True, help_text="Set while the person who owns it may not work in the tenant."
    )
    suspension_reason = models.CharField(max_length=40, blank=True, choices=SuspensionReason.choices)

    class Meta:
        ordering = ["tenant_id", "name", "id"]
        indexes = [models.Index(fields=["tenant", "revoked_at"], name="accounts_service_token_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
