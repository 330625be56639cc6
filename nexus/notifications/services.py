"""Asking for notifications, delivering them after commit, and the recipient's inbox.

``notify`` (a user, per channel) and ``notify_contact`` (a customer's or vendor's address, by
email) write their rows in the caller's transaction and publish one
``notifications.requested`` event. The event is global, like the rows: delivery needs no
tenant, and a global event can be written whichever tenant the caller has selected. After
commit the listener (``listeners.py``) delivers the rows through ``deliver_notifications``.
A failed email never undoes the change that asked for it: the failure is recorded on the row,
where the admin shows it and re-sends it. An address the mail server refuses is recorded as
bounced, with the server's answer.
"""

import json
import re
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from typing import Any, Literal

from django import forms
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from nexus.accounts.models import User
from nexus.core.audit import record_event
from nexus.core.errors import Conflict, InvalidInput
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.scope import current_tenant_id, require_tenant_id
from nexus.tenancy.models import Tenant

from .models import Channel, Notification, NotificationStatus
from .rendering import TEMPLATE_NAME, RenderingFailed, render_message

NOTIFICATION_REQUESTED = "notifications.requested"
DEFAULT_CHANNELS: tuple[str, ...] = (Channel.EMAIL, Channel.IN_APP)
# Context is stored in clear: a key naming a password or secret is refused outright.
SECRET_KEY = re.compile(r"password|passwd|secret", re.IGNORECASE)
# Rendering adds these to the context.
RESERVED_KEYS = frozenset({"recipient", "tenant"})
# Statuses a delivery may (re)try: the others are final.
DELIVERABLE = (NotificationStatus.PENDING, NotificationStatus.FAILED)


def _checked_channels(channels: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(channels))
    unknown = [c for c in chosen if c not in Channel.values]
    if not chosen or unknown:
        allowed = ", ".join(Channel.values)
        raise InvalidInput(
            f"Choose one or more channels among {allowed}.",
            fields={"channels": [f"Unknown channel {c!r}." for c in unknown] or ["No channel given."]},
        )
    return chosen


def _secret_keys(value: Any, path: str = "") -> list[str]:
    if isinstance(value, Mapping):
        found = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if SECRET_KEY.search(str(key)):
                found.append(where)
            found.extend(_secret_keys(item, where))
        return found
    if isinstance(value, list | tuple):
        return [found for item in value for found in _secret_keys(item, path)]
    return []


def _checked_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """Return the context as stored: plain JSON (dates, decimals, UUIDs as strings), no secrets."""
    reserved = sorted(RESERVED_KEYS & set(context))
    if reserved:
        raise InvalidInput(
            "The template receives the recipient and the tenant itself.",
            fields={"context": [f"Remove {key!r}: it is reserved." for key in reserved]},
        )
    secrets = _secret_keys(context)
    if secrets:
        raise InvalidInput(
            "A notification's context is stored in clear and must not hold passwords or secrets.",
            fields={"context": [f"Remove {key!r}." for key in secrets]},
        )
    try:
        stored: dict[str, Any] = json.loads(json.dumps(dict(context), cls=DjangoJSONEncoder, allow_nan=False))
        return stored
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            "A notification's context must be plain JSON.", fields={"context": [str(exc)]}
        ) from exc


def _checked_template(template: str) -> str:
    if not TEMPLATE_NAME.match(template):
        raise InvalidInput(
            f"{template!r} is not a notification template name.",
            fields={"template": ["Use lowercase letters, digits and underscores."]},
        )
    return template


def _request(notifications: list[Notification]) -> list[Notification]:
    """Save the rows and publish their delivery, both in the caller's transaction (or their own)."""
    with transaction.atomic():
        for notification in notifications:
            notification.save()
        publish(NOTIFICATION_REQUESTED, {"notification_ids": [n.pk for n in notifications]}, tenant_id=None)
    return notifications


def notify(
    recipient: User,
    template: str,
    context: Mapping[str, Any],
    *,
    channels: Iterable[str] = DEFAULT_CHANNELS,
    tenant_id: int | None | Literal["current"] = "current",
) -> list[Notification]:
    """Ask for ``template`` to reach ``recipient`` on each channel once the caller commits.

    Runs inside the caller's transaction (or its own): the rows and their outbox event are
    written with the change that asked for them and vanish with it on rollback. Nothing is
    rendered or sent here. ``tenant_id`` (default: the current tenant, if any) says which
    tenant the notification is about. The email goes to the address the recipient has now.
    Raises ``InvalidInput`` for an unknown channel, a malformed template name or a context
    that is not plain JSON or holds a password or secret.
    """
    if recipient.pk is None:
        raise InvalidInput("A notification needs a saved recipient.")
    _checked_template(template)
    chosen = _checked_channels(channels)
    stored_context = _checked_context(context)
    about_tenant = current_tenant_id() if tenant_id == "current" else tenant_id
    return _request(
        [
            Notification(
                recipient=recipient,
                channel=channel,
                template=template,
                context=stored_context,
                tenant_id=about_tenant,
                email_address=recipient.email if channel == Channel.EMAIL else "",
            )
            for channel in chosen
        ]
    )


@dataclass(frozen=True)
class Contact:
    """Someone who is not a user — a customer's or vendor's contact — as templates see them."""

    name: str
    email: str


class ContactForm(forms.Form):
    email = forms.EmailField(max_length=254)
    # The name goes into the To: header, which must stay one line.
    name = forms.CharField(
        max_length=200, required=False, validators=[RegexValidator(r"^[^\r\n]*\Z", "Use a single line.")]
    )


def notify_contact(
    *,
    email: str,
    name: str,
    template: str,
    context: Mapping[str, Any],
    tenant: Tenant | int | None = None,
) -> Notification:
    """Ask for ``template`` to reach a contact (not a user) by email once the caller commits.

    Customers and vendors are a tenant's contacts, not users: the email goes to ``name`` at
    ``email`` through the same rows, delivery, failures, re-send and admin as ``notify``, and
    the template sees ``recipient`` as a ``Contact`` (``name``, ``email``). ``tenant`` (a tenant
    or its id; default: the current one) is the tenant whose contact this is. Raises
    ``InvalidInput`` for a malformed address, name, template name or context, and
    ``TenantRequired`` when no tenant is named or selected.
    """
    form = ContactForm({"email": email, "name": name})
    if not form.is_valid():
        raise InvalidInput(
            "A contact needs a valid email address and a name of at most 200 characters.",
            fields={field: [str(message) for message in messages] for field, messages in form.errors.items()},
        )
    _checked_template(template)
    stored_context = _checked_context(context)
    tenant_id = require_tenant_id() if tenant is None else tenant.pk if isinstance(tenant, Tenant) else tenant
    (notification,) = _request(
        [
            Notification(
                recipient=None,
                recipient_name=form.cleaned_data["name"],
                channel=Channel.EMAIL,
                template=template,
                context=stored_context,
                tenant_id=tenant_id,
                email_address=form.cleaned_data["email"],
            )
        ]
    )
    return notification


def _record_failure(
    notification: Notification, error: str, status: NotificationStatus = NotificationStatus.FAILED
) -> None:
    notification.status = status
    notification.attempts += 1
    notification.last_error = error
    notification.save(update_fields=["status", "attempts", "last_error", "updated_at"])


def _recipient(notification: Notification) -> User | Contact:
    if notification.recipient is not None:
        return notification.recipient
    return Contact(name=notification.recipient_name, email=notification.email_address)


def _address(notification: Notification) -> str:
    if notification.recipient is None:
        return str(Address(display_name=notification.recipient_name, addr_spec=notification.email_address))
    return notification.email_address or notification.recipient.email


def _send_email(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[_address(notification)],
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    message.send(fail_silently=False)


def _refusal(exc: smtplib.SMTPRecipientsRefused) -> str:
    """``SMTPRecipientsRefused: x@y: 550 5.1.1 no such user``: the address and the server's answer."""
    answers = [
        f"{address}: {code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
        for address, (code, reply) in sorted(exc.recipients.items())
    ]
    return f"{type(exc).__name__}: {'; '.join(answers)}"


def deliver(notification_id: int) -> Notification | None:
    """Render and deliver one notification unless it is already delivered; return it.

    The row stays locked while the email backend is called, so a delivery and a re-send
    running together send it once. A failure (a missing or broken template, an email backend
    error) is recorded on the row — status ``failed``, one more attempt, the error — and not
    raised: the row is the record an operator re-sends from. A mail server that refuses the
    address itself (``SMTPRecipientsRefused``) makes it ``bounced``, with the server's answer.
    None when the row is gone (its recipient was deleted).
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "tenant")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.status not in DELIVERABLE:
            return notification
        try:
            message = render_message(
                notification.template,
                {
                    **notification.context,
                    "recipient": _recipient(notification),
                    "tenant": notification.tenant,
                },
            )
        except RenderingFailed as exc:
            _record_failure(notification, str(exc))
            return notification
        notification.subject = message.subject
        notification.body = message.body
        notification.body_html = message.body_html
        if notification.channel == Channel.EMAIL:
            try:
                _send_email(notification)
            except smtplib.SMTPRecipientsRefused as exc:
                _record_failure(notification, _refusal(exc), NotificationStatus.BOUNCED)
                return notification
            except Exception as exc:  # whatever the backend raises is this notification's failure
                _record_failure(notification, f"{type(exc).__name__}: {exc}".rstrip(": "))
                return notification
            notification.status = NotificationStatus.SENT
        else:
            notification.status = NotificationStatus.DELIVERED
        notification.attempts += 1
        notification.last_error = ""
        notification.delivered_at = timezone.now()
        notification.save()
    return notification


def deliver_notifications(notification_ids: Iterable[int]) -> list[Notification]:
    """Deliver each notification in turn (ascending id); one failure does not stop the others."""
    delivered = (deliver(notification_id) for notification_id in sorted(set(notification_ids)))
    return [notification for notification in delivered if notification is not None]


def resend(notification: Notification, *, actor: ActorRef) -> Notification:
    """Deliver a failed notification again after commit, through a new outbox event.

    Raises ``Conflict`` unless the notification failed. The re-send is audited (global chain:
    notifications belong to a person, not to a tenant).
    """
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != NotificationStatus.FAILED:
            status = locked.get_status_display().lower()
            raise Conflict(f"Only a failed notification can be re-sent; this one is {status}.")
        locked.status = NotificationStatus.PENDING
        locked.save(update_fields=["status", "updated_at"])
        publish(NOTIFICATION_REQUESTED, {"notification_ids": [locked.pk]}, tenant_id=None)
        record_event(
            "notifications.resent",
            actor=actor,
            obj=ObjectRef.for_instance(locked),
            data={"channel": locked.channel, "template": locked.template, "attempts": locked.attempts},
            tenant_id=None,
        )
    return locked


def inbox(user: User) -> QuerySet[Notification]:
    """The user's delivered in-app notifications, newest first."""
    return Notification.objects.filter(
        recipient=user, channel=Channel.IN_APP, status=NotificationStatus.DELIVERED
    )


def unread_count(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int]) -> int:
    """Mark the user's own unread in-app notifications among ``ids`` read; return how many changed.

    Ids of other people's notifications are ignored, never touched.
    """
    now = timezone.now()
    return inbox(user).filter(pk__in=list(ids), read_at__isnull=True).update(read_at=now, updated_at=now)


def mark_all_read(user: User) -> int:
    """Mark every unread in-app notification of the user read; return how many changed."""
    now = timezone.now()
    return inbox(user).filter(read_at__isnull=True).update(read_at=now, updated_at=now)
