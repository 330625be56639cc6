"""Notices to contacts (customers and vendors, not users): the same outbox, delivery and re-send."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings

from nexus.core import scope
from nexus.core.errors import Conflict, InvalidInput, TenantRequired
from nexus.core.models import OutboxEvent
from nexus.core.models.refs import ActorRef
from nexus.notifications.models import Channel, Notification, NotificationStatus
from nexus.notifications.services import deliver, notify_contact, resend

from .conftest import BOUNCING_BACKEND, REFUSING_BACKEND

pytestmark = pytest.mark.django_db

ORDER = {
    "order_number": "PO-2026-000042",
    "order_date": "2026-03-02",
    "currency": "EUR",
    "lines": [
        {"quantity": "40", "description": "Hex bolt M10", "vendor_sku": "RP-1010", "unit_price": "0.42"},
        {"quantity": "5", "description": "Torque wrench", "vendor_sku": "", "unit_price": "89.00"},
    ],
    "total": "461.80",
    "expected_date": "2026-03-20",
    "deliver_to": "Acme Newark DC\n100 Port St\nNewark NJ 07114\nUS",
}
SUBJECT = "Purchase order PO-2026-000042 from Acme"


def to_vendor(**overrides) -> Notification:
    arguments = {
        "email": "ap@vendor.example",
        "name": "Rheinland Präzision GmbH",
        "template": "purchase_order_to_vendor",
        "context": ORDER,
        **overrides,
    }
    return notify_contact(**arguments)


def requested_events() -> list[dict]:
    with scope.system_context("tests: reading the outbox"):
        return [e.payload for e in OutboxEvent.objects.filter(name="notifications.requested").order_by("pk")]


def test_a_notice_to_a_contact_is_an_email_row_sent_after_commit(acme, run_on_commit):
    with scope.tenant(acme), run_on_commit():
        notice = to_vendor()
        assert mail.outbox == []
        assert notice.status == NotificationStatus.PENDING

    notice.refresh_from_db()
    assert (notice.recipient, notice.recipient_name, notice.email_address, notice.tenant, notice.channel) == (
        None,
        "Rheinland Präzision GmbH",
        "ap@vendor.example",
        acme,
        Channel.EMAIL,
    )
    assert (notice.status, notice.attempts, notice.last_error, notice.subject) == (
        NotificationStatus.SENT,
        1,
        "",
        SUBJECT,
    )
    assert requested_events() == [{"notification_ids": [notice.pk], "schema_version": 1}]
    (message,) = mail.outbox
    assert message.to == ["Rheinland Präzision GmbH <ap@vendor.example>"]
    assert message.subject == SUBJECT
    assert message.body.startswith("Hello Rheinland Präzision GmbH,\n\nAcme orders the following")
    assert notice.body == message.body


def test_the_tenant_is_the_current_one_unless_named_and_one_is_required(acme, globex, run_on_commit):
    with scope.tenant(acme):
        assert to_vendor(tenant=globex).tenant_id == globex.pk
    assert to_vendor(tenant=acme.pk).tenant_id == acme.pk

    with pytest.raises(TenantRequired):
        to_vendor()
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"email": "not-an-address"}, {"email": ["Enter a valid email address."]}),
        ({"email": ""}, {"email": ["This field is required."]}),
        ({"name": "x" * 201}, {"name": ["Ensure this value has at most 200 characters (it has 201)."]}),
        ({"name": "Bcc: everyone\nRheinland"}, {"name": ["Use a single line."]}),
        ({"template": "Purchase Order"}, {"template": ["Use lowercase letters, digits and underscores."]}),
        ({"context": {"portal_password": "x"}}, {"context": ["Remove 'portal_password'."]}),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(acme, overrides, fields):
    with pytest.raises(InvalidInput) as refused:
        to_vendor(tenant=acme, **overrides)

    assert refused.value.fields == fields
    assert Notification.objects.count() == 0
    assert requested_events() == []


def test_the_database_refuses_a_contact_row_without_an_address_a_tenant_or_by_in_app(acme):
    for broken in (
        {"channel": Channel.EMAIL, "email_address": "", "tenant": acme},
        {"channel": Channel.EMAIL, "email_address": "ap@vendor.example", "tenant": None},
        {"channel": Channel.IN_APP, "email_address": "ap@vendor.example", "tenant": acme},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(recipient=None, template="purchase_order_to_vendor", **broken)
    assert Notification.objects.count() == 0


def test_a_failed_notice_is_recorded_and_resent_to_the_same_contact(acme, operator, run_on_commit):
    with override_settings(EMAIL_BACKEND=REFUSING_BACKEND), run_on_commit():
        notice = to_vendor(tenant=acme)
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == (
        NotificationStatus.FAILED,
        1,
        "SMTPServerDisconnected: mail server unavailable (test)",
    )
    assert mail.outbox == []

    with run_on_commit():
        resend(notice, actor=ActorRef.for_user(operator))

    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == (NotificationStatus.SENT, 2, "")
    (message,) = mail.outbox
    assert (message.to, message.subject) == (["Rheinland Präzision GmbH <ap@vendor.example>"], SUBJECT)


def test_an_address_the_mail_server_refuses_is_bounced_with_its_answer_and_not_resent(
    acme, operator, run_on_commit
):
    with override_settings(EMAIL_BACKEND=BOUNCING_BACKEND), run_on_commit():
        notice = to_vendor(tenant=acme)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == (
        NotificationStatus.BOUNCED,
        1,
        "SMTPRecipientsRefused: Rheinland Präzision GmbH <ap@vendor.example>: "
        "550 5.1.1 <ap@vendor.example>: no such user",
    )
    with pytest.raises(Conflict, match=r"^Only a failed notification can be re-sent; this one is bounced\.$"):
        resend(notice, actor=ActorRef.for_user(operator))
    deliver(notice.pk)  # a redelivered event does not try a bounced address again
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NotificationStatus.BOUNCED, 1)


def send_order_that_fails(tenant) -> None:
    with transaction.atomic():
        to_vendor(tenant=tenant)
        raise RuntimeError("the purchase order could not be sent")


def test_nothing_is_written_or_sent_when_the_callers_transaction_rolls_back(acme, run_on_commit):
    with run_on_commit() as callbacks, pytest.raises(RuntimeError, match="could not be sent"):
        send_order_that_fails(acme)

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert requested_events() == []
    assert mail.outbox == []
