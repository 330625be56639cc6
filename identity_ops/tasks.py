"""Identity work off the request: expiring sign-ups and invitations, delivering reset links."""

from celery import shared_task

from .contracts.access import Client
from .workflows.invitations import expire_overdue_invitations
from .workflows.passwords import deliver_password_reset
from .workflows.registration import expire_overdue_registrations


@shared_task(name="identity_ops.expire_overdue", ignore_result=True)
def expire_overdue() -> dict[str, int]:
    """Expire overdue registrations and invitations (each in its tenant); how many of each."""
    return {
        "registrations": expire_overdue_registrations(),
        "invitations": expire_overdue_invitations(),
    }


@shared_task(name="identity_ops.deliver_password_reset", ignore_result=True)
def deliver_password_reset_later(address: str, ip_address: str, user_agent: str) -> bool:
    """The part of a password-reset request done after the answer (see ``request_password_reset``)."""
    return deliver_password_reset(address, client=Client(ip_address=ip_address, user_agent=user_agent))
