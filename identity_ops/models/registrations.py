"""Registration: one attempt of a person to come into a tenant, kept as a record with its states.

``pending_verification`` (account and invited membership created, verification link emailed)
→ ``completed`` (the link was used: account and membership active) or → ``expired`` (the
tenant's period passed first: the account created only for it is deleted with its membership,
and this record stays, with ``user`` cleared). Keyed per tenant by the client's idempotency
key, so a retried request finds the same registration. Moved only by the registration flows.
"""

from typing import Any

from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, WorkflowModel
from nexus.core.transitions import transition_options


class RegistrationStatus(models.TextChoices):
    PENDING_VERIFICATION = "pending_verification", "Pending verification"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"


class RegistrationSource(models.TextChoices):
    SIGN_UP = "sign_up", "Self sign-up"
    INVITATION = "invitation", "Invitation"


class Registration(WorkflowModel, TenantScopedModel):
    idempotency_key = models.CharField(max_length=128)
    source = models.CharField(max_length=16, choices=RegistrationSource.choices)
    invitation = models.ForeignKey(
        "identity_ops.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    email = models.EmailField(
        max_length=254, blank=True, help_text="Cleared when an expired sign-up is erased."
    )
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_user = models.BooleanField(
        default=False, help_text="The account was created for this registration."
    )
    created_membership = models.BooleanField(
        default=False, help_text="The membership was created for this registration."
    )
    token_digest = models.CharField(max_length=64, blank=True)
    token_sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = FSMField(
        max_length=32,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING_VERIFICATION,
        protected=True,
    )

    class Meta(TenantScopedModel.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"], name="identity_registration_key_uniq"
            ),
            models.UniqueConstraint(
                fields=["token_digest"],
                condition=~models.Q(token_digest=""),
                name="identity_registration_token_uniq",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="identity_reg_due_idx")]

    def __str__(self) -> str:
        return f"Registration {self.pk} ({self.email or 'erased'})"

    @transition(
        field=status,
        source=RegistrationStatus.PENDING_VERIFICATION,
        target=RegistrationStatus.COMPLETED,
        custom=transition_options(
            label="Complete", done_label="Completed", event="identity.registration_completed"
        ),
    )
    def complete(self) -> None:
        """The person used their verification link (or accepted an invitation)."""
        self.completed_at = timezone.now()

    @transition(
        field=status,
        source=RegistrationStatus.PENDING_VERIFICATION,
        target=RegistrationStatus.EXPIRED,
        custom=transition_options(
            label="Expire", done_label="Expired", event="identity.registration_expired"
        ),
    )
    def expire(self) -> None:
        """The verification period passed; the flow deletes what was created only for it."""
        self.expired_at = timezone.now()
        self.token_digest = ""

    def transition_event_payload(self, transition_name: str) -> dict[str, Any]:
        if transition_name == "complete":
            return {
                "registration_id": self.pk,
                "user_id": self.user_id,
                "membership_id": self.membership_id,
                "role": self.role,
            }
        return {"registration_id": self.pk, "user_id": self.user_id}
