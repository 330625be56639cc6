"""TOTP enrolment as a workflow record: pending (secret shown once) → confirmed by a valid code.

A global record (a person's, not a tenant's). The authenticator itself and its encrypted secret
live in the accounts domain; this record keeps the process: who, which authenticator, when it
started, expires and ended.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import WorkflowModel
from nexus.core.transitions import condition, transition_options


class MfaEnrolmentStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


def _own_enrolment(enrolment: models.Model, user: Any) -> bool:
    # Only the person enrolling may confirm or cancel it.
    return bool(user.is_authenticated and getattr(enrolment, "user_id", None) == user.pk)


@condition("the enrolment has expired; start a new one")
def not_expired(enrolment: "MfaEnrolment") -> bool:
    return timezone.now() < enrolment.expires_at


class MfaEnrolment(WorkflowModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_enrolments"
    )
    method = models.CharField(max_length=16, default="totp")
    authenticator_id = models.BigIntegerField(help_text="The accounts authenticator being enrolled.")
    label = models.CharField(max_length=100, default="Authenticator app")
    status = FSMField(
        max_length=16,
        choices=MfaEnrolmentStatus.choices,
        default=MfaEnrolmentStatus.PENDING,
        protected=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "status"], name="identity_mfa_enrol_user_idx")]
        verbose_name = "MFA enrolment"

    def __str__(self) -> str:
        return f"{self.get_method_display()} enrolment {self.pk} of {self.user}"

    def get_method_display(self) -> str:
        return "TOTP" if self.method == "totp" else self.method

    @transition(
        field=status,
        source=MfaEnrolmentStatus.PENDING,
        target=MfaEnrolmentStatus.CONFIRMED,
        conditions=[not_expired],
        permission=_own_enrolment,
        custom=transition_options(label="Confirm", done_label="Confirmed"),
    )
    def confirm(self) -> None:
        self.confirmed_at = timezone.now()

    @transition(
        field=status,
        source=MfaEnrolmentStatus.PENDING,
        target=MfaEnrolmentStatus.CANCELLED,
        permission=_own_enrolment,
        custom=transition_options(label="Cancel", done_label="Cancelled"),
    )
    def cancel(self) -> None:
        pass
