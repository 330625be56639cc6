"""Tenants and memberships: global models (no row-level security), always filtered by user."""

from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django_fsm import FSMField, transition

validate_currency_code = RegexValidator(
    r"^[A-Z]{3}\Z", "Use a three-letter ISO 4217 currency code in capitals, such as USD or EUR."
)


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names (``Europe/Berlin``)."""
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone; use an IANA name such as Europe/Berlin.")


class TenantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class Tenant(models.Model):
    """A customer organisation. Suspending it locks its members out; its data stays intact."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=63, unique=True, help_text="Used in the X-Tenant header.")
    status = FSMField(
        max_length=16, choices=TenantStatus.choices, default=TenantStatus.ACTIVE, protected=False
    )
    default_currency = models.CharField(max_length=3, default="USD", validators=[validate_currency_code])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    policies = models.JSONField(
        default=dict,
        blank=True,
        help_text="Tenant policies (self sign-up, MFA, session lifetime, tolerances ...).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == TenantStatus.ACTIVE

    @transition(field=status, source=TenantStatus.ACTIVE, target=TenantStatus.SUSPENDED)
    def suspend(self) -> None:
        """Lock the members out (no selection, no API access); the data stays as it is."""

    @transition(field=status, source=TenantStatus.SUSPENDED, target=TenantStatus.ACTIVE)
    def reactivate(self) -> None:
        """Let the members in again."""

    def policy(self, name: str, default: Any = None) -> Any:
        return self.policies.get(name, default)


class Role(models.TextChoices):
    """Roles are per tenant: the same person can hold different roles in different tenants."""

    ADMIN = "admin", "Tenant administrator"
    MANAGER = "manager", "Operations manager"
    PURCHASER = "purchaser", "Purchaser"
    SALES = "sales", "Sales clerk"
    WAREHOUSE_CLERK = "warehouse_clerk", "Warehouse clerk"
    ACCOUNTANT = "accountant", "Accountant"
    VIEWER = "viewer", "Viewer"


class MembershipStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"


class Membership(models.Model):
    """A person's place in one tenant: their role there and whether it is in force."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.VIEWER)
    status = FSMField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.INVITED, protected=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tenant"],
                name="tenancy_membership_user_tenant_uniq",
                violation_error_message="This person already has a membership in this tenant.",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="tenancy_mem_tenant_status_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.tenant} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE
