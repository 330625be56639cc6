"""Retention of invitations: finished ones (accepted, revoked, expired) go after a period.

Registrations are kept: they are the record of how each person came into a tenant. The tenant
index of emailed links keeps only links that can still be used.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet

from nexus.core.retention import register_purge_rule

from .models import Invitation, InvitationStatus, LinkKey, Registration


def finished_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.exclude(status=InvitationStatus.PENDING)


def register_invitation_purge_rule() -> None:
    register_purge_rule(
        "identity_ops.finished_invitations",
        finished_invitations,
        older_than=timedelta(days=settings.IDENTITY_OPS_INVITATION_RETENTION_DAYS),
        field="updated_at",
    )


def unusable_link_keys() -> QuerySet[LinkKey]:
    """Link keys whose link no pending registration or invitation holds any more."""
    live_registrations = Registration.objects.exclude(token_digest="").values("token_digest")
    live_invitations = Invitation.objects.filter(status=InvitationStatus.PENDING).values("token_digest")
    return LinkKey.objects.exclude(digest__in=live_registrations).exclude(digest__in=live_invitations)


def register_link_key_purge_rule() -> None:
    register_purge_rule(
        "identity_ops.unusable_link_keys",
        unusable_link_keys,
        older_than=timedelta(days=1),
        field="created_at",
    )
