"""Password reset by email: ask for a link (same answer for every address), then choose a password.

Asking is counted per address before anything is looked up, and answered before anything is:
the look-up, the link and its email follow in a task, so an existing and an unknown address
cost the same before the answer. Only an active account gets a link (single use, expiring,
stored as a digest). Choosing the new password uses
the link up, checks the password with Django's validators (a refusal leaves the link unused),
stores it hashed and ends every session and token of the person, in one transaction; the
password-reset event then warns the person and is audited.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from identity_ops.contracts.access import UNKNOWN_CLIENT, Client
from identity_ops.contracts.notifications import EMAIL, Message
from identity_ops.services import limits, links
from identity_ops.wiring import access, notifier, people
from nexus.core.audit import record_event
from nexus.core.errors import InvalidInput
from nexus.core.models.refs import ANONYMOUS, ObjectRef

from .registration import person_ref

REQUESTS_PER_HOUR = 5
# The one answer to a reset request, whatever the address.
RESET_ANSWER = "If an account uses this address, we have sent it a link to choose a new password."
ACTIVE = "active"
RESET = "password_reset"


def request_password_reset(email: str, *, client: Client = UNKNOWN_CLIENT) -> None:
    """Have a reset link emailed if an active account uses ``email``; say nothing either way.

    Before answering, every address gets the same work — checked, counted against its limit,
    its delivery queued after commit — so neither the answer nor its time tells whether the
    address has an account; looking it up, issuing the link and emailing it happen in a task
    (``deliver_password_reset``). Raises ``InvalidInput`` (field ``email``) only for a malformed
    address and ``Throttled`` (429) past the hourly limit of that address.
    """
    address = email.strip()
    try:
        validate_email(address)
    except ValidationError as error:
        raise InvalidInput(fields={"email": list(error.messages)}) from error
    limits.require(
        "password_reset", address, limit=REQUESTS_PER_HOUR, window_seconds=3600, what="reset the password"
    )
    from identity_ops.tasks import deliver_password_reset_later  # the tasks module imports the workflows

    transaction.on_commit(
        partial(deliver_password_reset_later.delay, address, client.ip_address, client.user_agent),
        robust=True,
    )


def deliver_password_reset(address: str, *, client: Client = UNKNOWN_CLIENT) -> bool:
    """Issue a reset link and email it if an active account uses ``address``; whether it did."""
    with transaction.atomic():
        person = people().by_email([address]).get(address)
        if person is None or person.status != ACTIVE:
            return False
        key = access().issue_password_resets([person.id])[person.id]
        notifier().send(
            [
                Message(
                    recipient_id=person.id,
                    template="password_reset",
                    context={"link": links.link(links.RESET_PASSWORD, key), "ip_address": client.ip_address},
                    channels=(EMAIL,),
                )
            ]
        )
        record_event(
            "identity.password_reset_requested",
            actor=ANONYMOUS,
            obj=ObjectRef("accounts.user", str(person.id), person.email),
            personal={"ip_address": client.ip_address, "user_agent": client.user_agent},
            tenant_id=None,
        )
    return True


def check_password_reset_link(key: str) -> None:
    """Raise ``InvalidInput`` (field ``token``) unless the reset link with ``key`` is still usable.

    Only reads: opening a link must not spend it (mail scanners open links).
    """
    access().check_password_reset(key)


def confirm_password_reset(key: str, password: str, *, client: Client = UNKNOWN_CLIENT) -> None:
    """Set a new password with a reset link; every session and token of the person ends.

    Raises ``InvalidInput`` (field ``token`` for an unusable link, ``password`` for a password
    the validators refuse — the link then stays usable).
    """
    with transaction.atomic():
        user_id = access().redeem_password_reset(key)
        person = people().by_id([user_id])[user_id]
        problems = people().password_problems(password, email=person.email, full_name=person.full_name)
        if problems:
            raise InvalidInput(fields={"password": problems})
        people().set_credentials({user_id: (password, None)})
        access().end_logins([user_id], reason=RESET, actor=person_ref(person))
        access().announce_password_reset(user_id, client)
