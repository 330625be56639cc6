"""Periodic identity work: expiring sign-ups and invitations that outlived their tenant's period."""

from celery import shared_task

from .workflows.invitations import expire_overdue_invitations
from .workflows.registration import expire_overdue_registrations


@shared_task(name="identity_ops.expire_overdue", ignore_result=True)
def expire_overdue() -> dict[str, int]:
    """Expire overdue registrations and invitations (each in its tenant); how many of each."""
    return {
        "registrations": expire_overdue_registrations(),
        "invitations": expire_overdue_invitations(),
    }
