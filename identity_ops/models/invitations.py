"""Invitation: a tenant administrator asks someone to join the tenant with a role.

``pending`` (an emailed link, single use, expiring; the person's account exists, created pending
verification if it was new, with an invited membership) → ``accepted`` (the membership is
active, the account too), ``revoked`` by an administrator, or ``expired``. Revoking or expiring
withdraws what was created for it. Only the digest of the link's key is stored.
"""

from typing import Any

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, WorkflowModel
from nexus.core.transitions import transition_options


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


def _may_manage_members(invitation: Any, actor: Any) -> bool:
    """Whoever may manage the tenant's memberships (answered in the invitation's tenant)."""
    from identity_ops.wiring import tenants  # wiring builds adapters, which read this module

    _view, manage = tenants().membership_permissions()
    return bool(actor.has_perm(manage))


class Invitation(WorkflowModel, TenantScopedModel):
    email = models.EmailField(max_length=254)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32)
    invited_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The invited person's account.",
    )
    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_user = models.BooleanField(
        default=False, help_text="The account was created for this invitation."
    )
    created_membership = models.BooleanField(
        default=False, help_text="The membership was created for this invitation."
    )
    token_digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    sent_count = models.PositiveIntegerField(default=1)
    last_sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = FSMField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING, protected=True
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(fields=["token_digest"], name="identity_invitation_token_uniq"),
            models.UniqueConstraint(
                models.F("tenant"),
                Lower("email"),
                condition=models.Q(status="pending"),
                name="identity_invitation_pending_uniq",
                violation_error_message="This address already has a pending invitation to this tenant.",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="identity_inv_due_idx")]

    def __str__(self) -> str:
        return f"Invitation of {self.email}"

    @transition(
        field=status,
        source=InvitationStatus.PENDING,
        target=InvitationStatus.ACCEPTED,
        custom=transition_options(label="Accept", done_label="Accepted"),
    )
    def accept(self) -> None:
        """The invited person used the link."""
        self.accepted_at = timezone.now()

    @transition(
        field=status,
        source=InvitationStatus.PENDING,
        target=InvitationStatus.REVOKED,
        permission=_may_manage_members,
        custom=transition_options(label="Revoke", done_label="Revoked"),
    )
    def revoke(self) -> None:
        """Withdraw the invitation: its link stops working."""
        self.revoked_at = timezone.now()

    @transition(
        field=status,
        source=InvitationStatus.PENDING,
        target=InvitationStatus.EXPIRED,
        custom=transition_options(label="Expire", done_label="Expired"),
    )
    def expire(self) -> None:
        """The link's period passed without it being used."""
        self.expired_at = timezone.now()

    @property
    def is_overdue(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now()
