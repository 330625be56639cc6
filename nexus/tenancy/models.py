"""Tenants and memberships: global models (no row-level security), always filtered by user."""

from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django_fsm import FSMField, transition

from nexus.core.models import WorkflowModel
from nexus.core.transitions import condition, transition_options

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


class Tenant(WorkflowModel):
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


# The permission that lets a role invite, suspend, reinstate and remove members of its tenant.
MANAGE_MEMBERSHIPS = "tenancy.change_membership"


def _may_manage_memberships(membership: Any, actor: Any) -> bool:
    """Platform operators, or a person whose role in the membership's own tenant manages members.

    Asked about the membership's tenant, not the one the actor has selected, so that nobody acts
    on another tenant's memberships through a tenant where they happen to be an administrator.
    """
    # Imported here: both modules import this one.
    from .access import role_in
    from .roles import role_permissions

    if getattr(actor, "is_platform_operator", False):
        return True
    role = role_in(actor, membership.tenant_id)
    return role is not None and MANAGE_MEMBERSHIPS in role_permissions(role)


def _flows_only(membership: Any, actor: Any) -> bool:
    """Moved by the identity flows (a verified sign-up, an accepted invitation), never by a button."""
    return False


def last_administrator_message(membership: "Membership") -> str:
    return (
        f"{membership.tenant} needs at least one active administrator; make someone else administrator first."
    )


# The one error code of the last-administrator rule, for a suspension, a removal or a demotion.
LAST_ADMINISTRATOR = "last_administrator"


@condition(last_administrator_message, code=LAST_ADMINISTRATOR)
def keeps_an_administrator(membership: "Membership") -> bool:
    """False when the membership is the tenant's only active administrator.

    Race-free only because the tenant's administrators are locked first (``TenancyConfig.ready``).
    """
    if membership.role != Role.ADMIN or membership.status != MembershipStatus.ACTIVE:
        return True
    return (
        Membership.objects.filter(
            tenant_id=membership.tenant_id, role=Role.ADMIN, status=MembershipStatus.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    )


class Membership(WorkflowModel):
    """A person's place in one tenant: their role there and whether it is in force.

    ``invited`` waits for the person (an emailed sign-up link or invitation); ``active`` lets
    them act in the tenant with their role; ``suspended`` keeps the place but refuses every
    request; ``removed`` ends it (an invitation may bring the person back). Every change goes
    through the transition service, called by the membership services and identity flows.
    """

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

    @transition(
        field=status,
        source=MembershipStatus.INVITED,
        target=MembershipStatus.ACTIVE,
        permission=_flows_only,
        custom=transition_options(label="Activate", done_label="Activated", allow_system=True),
    )
    def activate(self) -> None:
        """The person verified their sign-up or accepted their invitation."""

    @transition(
        field=status,
        source=MembershipStatus.ACTIVE,
        target=MembershipStatus.SUSPENDED,
        conditions=[keeps_an_administrator],
        permission=_may_manage_memberships,
        custom=transition_options(
            label="Suspend", done_label="Suspended", requires_reason=True, allow_system=True
        ),
    )
    def suspend(self) -> None:
        """Refuse the person in this tenant for now; their sessions in it end."""

    @transition(
        field=status,
        source=MembershipStatus.SUSPENDED,
        target=MembershipStatus.ACTIVE,
        permission=_may_manage_memberships,
        custom=transition_options(label="Reinstate", done_label="Reinstated", allow_system=True),
    )
    def reinstate(self) -> None:
        """End a suspension."""

    @transition(
        field=status,
        source=[MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED],
        target=MembershipStatus.REMOVED,
        conditions=[keeps_an_administrator],
        permission=_may_manage_memberships,
        custom=transition_options(
            label="Remove", done_label="Removed", requires_reason=True, allow_system=True
        ),
    )
    def remove(self) -> None:
        """End the person's place in this tenant; their sessions in it end."""

    @transition(
        field=status,
        source=MembershipStatus.INVITED,
        target=MembershipStatus.REMOVED,
        permission=_flows_only,
        custom=transition_options(label="Withdraw", done_label="Withdrawn", allow_system=True),
    )
    def withdraw(self) -> None:
        """An invitation that brought a removed member back was revoked or expired unused."""

    @transition(
        field=status,
        source=MembershipStatus.REMOVED,
        target=MembershipStatus.INVITED,
        permission=_flows_only,
        custom=transition_options(label="Invite again", done_label="Invited again", allow_system=True),
    )
    def invite_again(self) -> None:
        """A removed person was invited back; they rejoin when they accept."""
