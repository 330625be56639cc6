"""Retention of invitations: finished ones (accepted, revoked, expired) go after a period.

Registrations are kept: they are the record of how each person came into a tenant.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet

from nexus.core.retention import register_purge_rule

from .models import Invitation, InvitationStatus


def finished_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.exclude(status=InvitationStatus.PENDING)


def register_invitation_purge_rule() -> None:
    register_purge_rule(
        "identity_ops.finished_invitations",
        finished_invitations,
        older_than=timedelta(days=settings.IDENTITY_OPS_INVITATION_RETENTION_DAYS),
        field="updated_at",
    )
