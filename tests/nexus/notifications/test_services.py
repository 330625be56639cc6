"""notify, delivery after commit, failures recorded on the row, re-send, the inbox."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.test import override_settings

from nexus.core import scope
from nexus.core.errors import Conflict, InvalidInput
from nexus.core.models import AuditEvent, DeliveryStatus, OutboxDelivery, OutboxEvent
from nexus.core.models.refs import ActorRef
from nexus.notifications.models import Channel, Notification, NotificationStatus
from nexus.notifications.services import (
    deliver,
    mark_all_read,
    mark_read,
    notify,
    resend,
    unread_count,
)
from tests.factories.people import UserFactory

from .conftest import REFUSING_BACKEND
from .fakes import REFUSAL

pytestmark = pytest.mark.django_db

ALERT = {"summary": "New sign-in to your account", "ip_address": "203.0.113.9"}
ALERT_BODY = (
    "Hello Ana,\n"
    "\n"
    "New sign-in to your account.\n"
    "\n"
    "From: 203.0.113.9\n"
    "\n"
    "If this was you, there is nothing to do. If it was not, change your password now and tell your\n"
    "administrator.\n"
    "\n"
    "— Nexus\n"
)


def outbox_rows() -> tuple[list[OutboxEvent], list[OutboxDelivery]]:
    with scope.system_context("tests: reading the outbox"):
        return list(OutboxEvent.objects.order_by("pk")), list(OutboxDelivery.objects.order_by("pk"))


def in_app(person, run_on_commit, summary: str = "Something happened") -> Notification:
    with run_on_commit():
        (notification,) = notify(person, "security_alert", {"summary": summary}, channels=["in_app"])
    notification.refresh_from_db()
    return notification


@pytest.mark.smoke
def test_notify_writes_a_row_per_channel_and_sends_nothing_before_commit(person, run_on_commit):
    with run_on_commit():
        email, note = notify(person, "security_alert", ALERT)

        assert [(n.channel, n.status, n.attempts) for n in (email, note)] == [
            (Channel.EMAIL, NotificationStatus.PENDING, 0),
            (Channel.IN_APP, NotificationStatus.PENDING, 0),
        ]
        assert (email.recipient, email.template, email.context, email.tenant_id) == (
            person,
            "security_alert",
            ALERT,
            None,
        )
        assert email.email_address == "ana@example.com"
        assert mail.outbox == []
        assert unread_count(person) == 0
        (event,), deliveries = outbox_rows()
        assert (event.name, event.tenant_id) == ("notifications.requested", None)
        assert event.payload == {"notification_ids": [email.pk, note.pk], "schema_version": 1}
        assert deliveries == []

    (message,) = mail.outbox
    assert message.to == ["ana@example.com"]
    assert message.subject == "Security alert: New sign-in to your account"
    assert message.body == ALERT_BODY
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (NotificationStatus.SENT, 1, "")
    assert (email.subject, email.body) == (message.subject, ALERT_BODY)
    assert email.delivered_at is not None
    _, (delivery,) = outbox_rows()
    assert (delivery.listener, delivery.status) == ("notifications.deliver", DeliveryStatus.DELIVERED)


def test_the_in_app_notification_is_delivered_with_its_rendered_text(person, run_on_commit):
    with run_on_commit():
        _, note = notify(person, "security_alert", ALERT)

    note.refresh_from_db()
    assert (note.status, note.attempts, note.read_at) == (NotificationStatus.DELIVERED, 1, None)
    assert (note.subject, note.body) == ("Security alert: New sign-in to your account", ALERT_BODY)
    assert note.delivered_at is not None
    assert unread_count(person) == 1


def test_the_html_part_is_escaped_and_the_text_parts_are_not(person, run_on_commit):
    with run_on_commit():
        notify(person, "security_alert", {"summary": "Sign-in from <Tom & Jerry>"}, channels=["email"])

    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.subject == "Security alert: Sign-in from <Tom & Jerry>"
    assert "Sign-in from <Tom & Jerry>." in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert isinstance(html, str)
    assert "<strong>Sign-in from &lt;Tom &amp; Jerry&gt;.</strong>" in html


def test_a_template_without_html_sends_plain_text_only(person, acme, run_on_commit):
    with run_on_commit():
        notify(person, "welcome", {"login_url": "https://nexus.example.com/admin/"}, tenant_id=acme.pk)

    (message,) = mail.outbox
    assert message.subject == "Welcome to Nexus, Acme"
    assert message.body == (
        "Hello Ana,\n"
        "\n"
        "Your Nexus account ana@example.com is ready and you are a member of Acme.\n"
        "\n"
        "Sign in at https://nexus.example.com/admin/\n"
        "\n"
        "— Nexus\n"
    )
    assert isinstance(message, EmailMultiAlternatives)
    assert message.alternatives == []


def test_the_notification_is_about_the_current_tenant_unless_told(person, acme, run_on_commit):
    with scope.tenant(acme), run_on_commit():
        (about_acme,) = notify(person, "welcome", {}, channels=["in_app"])
        (about_nothing,) = notify(person, "welcome", {}, channels=["in_app"], tenant_id=None)

    about_acme.refresh_from_db()
    about_nothing.refresh_from_db()
    assert (about_acme.tenant_id, about_acme.subject) == (acme.pk, "Welcome to Nexus, Acme")
    assert (about_nothing.tenant_id, about_nothing.subject) == (None, "Welcome to Nexus")


def change_that_fails(person) -> None:
    with transaction.atomic():
        notify(person, "security_alert", ALERT)
        raise RuntimeError("the change failed")


def test_nothing_is_written_or_sent_when_the_callers_transaction_rolls_back(person, run_on_commit):
    with run_on_commit() as callbacks, pytest.raises(RuntimeError, match="the change failed"):
        change_that_fails(person)

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert outbox_rows() == ([], [])
    assert mail.outbox == []


def test_the_email_goes_to_the_address_the_person_had_when_it_was_requested(person, run_on_commit):
    with run_on_commit():
        notify(person, "security_alert", {"summary": "Your email address was changed"}, channels=["email"])
        person.email = "new-address@example.com"
        person.save(update_fields=["email"])

    (message,) = mail.outbox
    assert message.to == ["ana@example.com"]


def test_the_context_is_stored_as_plain_json(person):
    (row,) = notify(
        person,
        "security_alert",
        {
            "summary": "Payment",
            "amount": Decimal("12.50"),
            "at": dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
        },
        channels=["in_app"],
    )

    row.refresh_from_db()
    assert row.context == {"summary": "Payment", "amount": "12.50", "at": "2026-03-01T09:30:00Z"}


@pytest.mark.parametrize(
    ("arguments", "field", "messages"),
    [
        (
            {"context": {"summary": "x", "user": {"new_password": "hunter2-hunter2"}}},
            "context",
            ["Remove 'user.new_password'."],
        ),
        ({"context": {"client_secret": "s3cr3t"}}, "context", ["Remove 'client_secret'."]),
        ({"context": {"when": object()}}, "context", None),
        (
            {"context": {"ratio": float("nan")}},
            "context",
            ["Out of range float values are not JSON compliant"],
        ),
        ({"context": {"recipient": "someone"}}, "context", ["Remove 'recipient': it is reserved."]),
        ({"channels": ["email", "pigeon"]}, "channels", ["Unknown channel 'pigeon'."]),
        ({"channels": []}, "channels", ["No channel given."]),
        ({"template": "../../settings"}, "template", ["Use lowercase letters, digits and underscores."]),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(person, arguments, field, messages):
    call = {"template": "security_alert", "context": {"summary": "x"}, **arguments}

    with pytest.raises(InvalidInput) as refused:
        notify(person, call.pop("template"), call.pop("context"), **call)

    assert list(refused.value.fields) == [field]
    if messages is not None:
        assert refused.value.fields[field] == messages
    assert Notification.objects.count() == 0
    assert outbox_rows() == ([], [])


def test_a_missing_template_is_a_recorded_failure_not_an_error(person, run_on_commit):
    with run_on_commit():
        email, note = notify(person, "no_such_template", {})

    expected = "Template 'notifications/no_such_template/subject.txt' does not exist."
    for row in (email, note):
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_error) == (NotificationStatus.FAILED, 1, expected)
        assert (row.subject, row.body, row.delivered_at) == ("", "", None)
    assert mail.outbox == []
    # Recorded on the notification; the outbox delivery itself succeeded.
    _, (delivery,) = outbox_rows()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_a_refusing_mail_server_leaves_the_email_failed_and_the_in_app_delivered(
    person, run_on_commit, refusing_mail_server
):
    with run_on_commit():
        email, note = notify(person, "security_alert", ALERT)

    email.refresh_from_db()
    note.refresh_from_db()
    assert (email.status, email.attempts) == (NotificationStatus.FAILED, 1)
    assert email.last_error == f"SMTPServerDisconnected: {REFUSAL}"
    assert email.delivered_at is None
    assert (note.status, note.attempts) == (NotificationStatus.DELIVERED, 1)


@pytest.mark.django_db(transaction=True)
def test_a_failed_email_never_undoes_the_change_that_asked_for_it(refusing_mail_server):
    with transaction.atomic():
        newcomer = UserFactory.create(email="newcomer@example.com")
        (email,) = notify(newcomer, "welcome", {}, channels=["email"])

    # Committed for real: the listener ran after the commit and the email was refused.
    email.refresh_from_db()
    assert (email.status, email.attempts) == (NotificationStatus.FAILED, 1)
    assert email.last_error == f"SMTPServerDisconnected: {REFUSAL}"
    assert UserFactory._meta.model.objects.filter(email="newcomer@example.com").exists()


def test_delivering_again_does_not_send_twice(person, run_on_commit):
    with run_on_commit():
        (email,) = notify(person, "security_alert", ALERT, channels=["email"])

    deliver(email.pk)

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (NotificationStatus.SENT, 1)


def test_resend_delivers_a_failed_email_and_is_audited(person, operator, run_on_commit):
    with override_settings(EMAIL_BACKEND=REFUSING_BACKEND), run_on_commit():
        (email,) = notify(person, "security_alert", ALERT, channels=["email"])
    email.refresh_from_db()
    assert email.status == NotificationStatus.FAILED

    with run_on_commit():
        queued = resend(email, actor=ActorRef.for_user(operator))
        assert queued.status == NotificationStatus.PENDING
        assert mail.outbox == []

    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["ana@example.com"],
        "Security alert: New sign-in to your account",
    )
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (NotificationStatus.SENT, 2, "")
    with scope.system_context("tests: reading the audit trail"):
        (audit,) = AuditEvent.objects.filter(action="notifications.resent")
    assert (audit.tenant_id, audit.actor_id, audit.object_type, audit.object_id) == (
        None,
        str(operator.pk),
        "notifications.notification",
        str(email.pk),
    )
    assert audit.data == {"channel": "email", "template": "security_alert", "attempts": 1}


def test_resend_refuses_a_notification_that_did_not_fail(person, operator, run_on_commit):
    with run_on_commit():
        (email,) = notify(person, "security_alert", ALERT, channels=["email"])
    events_before, _ = outbox_rows()

    with pytest.raises(Conflict, match=r"^Only a failed notification can be re-sent; this one is sent\.$"):
        resend(email, actor=ActorRef.for_user(operator))

    email.refresh_from_db()
    assert (email.status, email.attempts) == (NotificationStatus.SENT, 1)
    assert outbox_rows()[0] == events_before
    assert len(mail.outbox) == 1


def test_mark_read_touches_only_the_callers_own_unread_notifications(person, other_person, run_on_commit):
    mine, also_mine = in_app(person, run_on_commit), in_app(person, run_on_commit)
    theirs = in_app(other_person, run_on_commit)

    assert mark_read(person, [mine.pk, theirs.pk]) == 1
    assert mark_read(person, [mine.pk]) == 0  # already read

    mine.refresh_from_db()
    also_mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert also_mine.read_at is None
    assert theirs.read_at is None
    assert (unread_count(person), unread_count(other_person)) == (1, 1)


def test_mark_all_read_keeps_the_time_each_was_first_read(person, other_person, run_on_commit):
    first, *_ = (in_app(person, run_on_commit) for _ in range(3))
    in_app(other_person, run_on_commit)
    mark_read(person, [first.pk])
    first.refresh_from_db()

    assert mark_all_read(person) == 2

    assert Notification.objects.get(pk=first.pk).read_at == first.read_at
    assert unread_count(person) == 0
    assert unread_count(other_person) == 1


def test_only_delivered_in_app_notifications_count_as_unread(person, run_on_commit):
    with run_on_commit():
        notify(person, "security_alert", ALERT, channels=["email"])
        notify(person, "no_such_template", {}, channels=["in_app"])
    in_app(person, run_on_commit)

    assert unread_count(person) == 1
