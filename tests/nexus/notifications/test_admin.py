"""The admin: the delivery log with re-send for operators, "My notifications" for everyone."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from nexus.notifications.models import Notification, NotificationStatus
from nexus.notifications.services import notify, notify_contact
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory

from .conftest import BOUNCING_BACKEND, REFUSING_BACKEND

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"
MINE = "/admin/notifications/notification/mine/"


@pytest.fixture
def operator_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def staff_client(person, acme) -> Client:
    """Ana, an administrator of Acme working in Acme (not a platform operator)."""
    MembershipFactory.create(user=person, tenant=acme, role=Role.ADMIN)
    client = Client()
    client.force_login(person)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = acme.pk
    session.save()
    return client


def failed_email(person, run_on_commit) -> Notification:
    with override_settings(EMAIL_BACKEND=REFUSING_BACKEND), run_on_commit():
        (row,) = notify(person, "security_alert", {"summary": "Password changed"}, channels=["email"])
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    return row


def in_app(person, run_on_commit, summary: str) -> Notification:
    with run_on_commit():
        (row,) = notify(person, "security_alert", {"summary": summary}, channels=["in_app"])
    row.refresh_from_db()
    return row


def test_the_delivery_log_lists_filters_and_searches(operator_client, person, other_person, run_on_commit):
    failed = failed_email(person, run_on_commit)
    in_app(other_person, run_on_commit, "Welcome")

    page = operator_client.get(CHANGELIST)
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == list(Notification.objects.order_by("-created_at", "-id"))
    html = page.content.decode()
    assert "SMTPServerDisconnected: mail server unavailable (test)" in html
    assert "ana@example.com" in html

    only_failed = operator_client.get(CHANGELIST, {"status__exact": "failed"})
    assert list(only_failed.context["cl"].result_list) == [failed]
    by_email = operator_client.get(CHANGELIST, {"q": "bo@example"})
    assert [row.recipient.email for row in by_email.context["cl"].result_list] == ["bo@example.com"]
    by_template = operator_client.get(CHANGELIST, {"template": "security_alert", "channel__exact": "in_app"})
    assert [row.recipient.email for row in by_template.context["cl"].result_list] == ["bo@example.com"]


def test_the_delivery_log_costs_the_same_queries_for_any_number_of_rows(
    operator_client, person, run_on_commit, django_assert_max_num_queries
):
    in_app(person, run_on_commit, "First")
    with CaptureQueriesContext(connection) as one_row:
        assert operator_client.get(CHANGELIST).status_code == 200

    for i in range(20):
        in_app(person, run_on_commit, f"More {i}")
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        assert len(operator_client.get(CHANGELIST).context["cl"].result_list) == 21


def test_only_platform_operators_see_the_delivery_log(staff_client, person, run_on_commit):
    row = failed_email(person, run_on_commit)

    assert staff_client.get(CHANGELIST).status_code == 403
    assert staff_client.get(f"{CHANGELIST}{row.pk}/change/").status_code == 403
    assert staff_client.post(f"{CHANGELIST}{row.pk}/resend/").status_code == 403
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED


def test_the_resend_action_resends_failed_emails_and_skips_the_others(operator_client, person, run_on_commit):
    failed = failed_email(person, run_on_commit)
    delivered = in_app(person, run_on_commit, "Fine")

    with run_on_commit():
        response = operator_client.post(
            CHANGELIST,
            {"action": "resend_selected", "_selected_action": [failed.pk, delivered.pk]},
            follow=True,
        )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "1 notification(s) queued for re-sending.",
        "1 notification(s) skipped: only failed ones can be re-sent.",
    ]
    (message,) = mail.outbox
    assert (message.to, message.subject) == (["ana@example.com"], "Security alert: Password changed")
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.SENT, 2)
    delivered.refresh_from_db()
    assert (delivered.status, delivered.attempts) == (NotificationStatus.DELIVERED, 1)


def test_the_resend_button_shows_on_failed_notifications_and_resends(operator_client, person, run_on_commit):
    failed = failed_email(person, run_on_commit)
    change_page = f"{CHANGELIST}{failed.pk}/change/"
    resend_url = f"{CHANGELIST}{failed.pk}/resend/"

    assert f'action="{resend_url}"' in operator_client.get(change_page).content.decode()
    assert operator_client.get(resend_url).status_code == 405
    with run_on_commit():
        response = operator_client.post(resend_url)

    assert (response.status_code, response["Location"]) == (302, change_page)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.SENT, 2)
    assert len(mail.outbox) == 1
    assert f'action="{resend_url}"' not in operator_client.get(change_page).content.decode()


def test_the_resend_button_refuses_a_notification_that_did_not_fail(operator_client, person, run_on_commit):
    row = in_app(person, run_on_commit, "Fine")

    response = operator_client.post(f"{CHANGELIST}{row.pk}/resend/", follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Only a failed notification can be re-sent; this one is delivered."
    ]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.DELIVERED, 1)


def test_my_notifications_lists_only_mine_and_marks_them_read(
    staff_client, person, other_person, run_on_commit
):
    first = in_app(person, run_on_commit, "First")
    second = in_app(person, run_on_commit, "Second")
    theirs = in_app(other_person, run_on_commit, "Not for Ana")

    page = staff_client.get(MINE)
    assert page.status_code == 200
    assert list(page.context["page"].object_list) == [second, first]
    assert page.context["unread"] == 2
    assert "Not for Ana" not in page.content.decode()

    response = staff_client.post(MINE, {"ids": [first.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["1 notification(s) marked read."]
    first.refresh_from_db()
    theirs.refresh_from_db()
    assert first.read_at is not None
    assert theirs.read_at is None

    staff_client.post(MINE, {"mark_all": "Mark all read"})
    second.refresh_from_db()
    assert second.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("foreign", ["theirs", "²", "\u0661" * 25, "junk", "1\x00"])
def test_marking_anything_but_ones_own_notifications_is_refused_and_changes_nothing(
    staff_client, person, other_person, run_on_commit, foreign
):
    mine = in_app(person, run_on_commit, "Mine")
    theirs = in_app(other_person, run_on_commit, "Not for Ana")
    chosen = str(theirs.pk) if foreign == "theirs" else foreign

    response = staff_client.post(MINE, {"ids": [mine.pk, chosen]}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Choose notifications from your list; nothing was marked read."
    ]
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_the_header_shows_the_unread_count_and_links_to_my_notifications(staff_client, person, run_on_commit):
    in_app(person, run_on_commit, "First")
    in_app(person, run_on_commit, "Second")

    html = staff_client.get("/admin/").content.decode()

    assert f'<a href="{MINE}" class="nexus-notifications" title="2 unread">' in html
    assert '<strong class="nexus-unread-count">2</strong>' in html


def contact_notice(acme, run_on_commit, backend: str, email: str = "ap@vendor.example") -> Notification:
    with override_settings(EMAIL_BACKEND=backend), run_on_commit():
        row = notify_contact(
            email=email,
            name="Rheinland Präzision GmbH",
            template="return_authorised",
            context={"rma_number": "RMA-2026-000007", "lines": [], "return_to": "Acme Returns"},
            tenant=acme,
        )
    row.refresh_from_db()
    return row


def test_a_bounced_contact_address_is_listed_with_the_servers_answer(
    operator_client, person, acme, run_on_commit
):
    bounced = contact_notice(acme, run_on_commit, BOUNCING_BACKEND)
    failed = contact_notice(acme, run_on_commit, REFUSING_BACKEND, email="sales@other.example")
    failed_email(person, run_on_commit)

    page = operator_client.get(CHANGELIST, {"status__exact": "bounced"})

    assert list(page.context["cl"].result_list) == [bounced]
    html = page.content.decode()
    assert "Rheinland Präzision GmbH &lt;ap@vendor.example&gt; (contact)" in html
    assert "SMTPRecipientsRefused: Rheinland Präzision GmbH &lt;ap@vendor.example&gt;: 550 5.1.1" in html
    tenants = {str(row.tenant) for row in page.context["cl"].result_list}
    assert tenants == {"Acme"}
    assert re.search(r'class="[^"]*field-tenant[^"]*"', html)
    contacts = operator_client.get(CHANGELIST, {"recipient_kind": "contact"})
    assert list(contacts.context["cl"].result_list) == [failed, bounced]
    people = operator_client.get(CHANGELIST, {"recipient_kind": "user"})
    assert [row.recipient for row in people.context["cl"].result_list] == [person]
    by_name = operator_client.get(CHANGELIST, {"q": "rheinland"})
    assert list(by_name.context["cl"].result_list) == [failed, bounced]
    # A bounced address is not re-sent: the contact's address needs correcting first.
    change_page = operator_client.get(f"{CHANGELIST}{bounced.pk}/change/").content.decode()
    assert f'action="{CHANGELIST}{bounced.pk}/resend/"' not in change_page
    assert "Rheinland Präzision GmbH" in change_page


def test_a_failed_contact_notice_is_resent_from_the_admin(operator_client, acme, run_on_commit):
    failed = contact_notice(acme, run_on_commit, REFUSING_BACKEND)
    assert (failed.status, failed.last_error) == (
        NotificationStatus.FAILED,
        "SMTPServerDisconnected: mail server unavailable (test)",
    )

    with run_on_commit():
        response = operator_client.post(f"{CHANGELIST}{failed.pk}/resend/")

    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (NotificationStatus.SENT, 2, "")
    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["Rheinland Präzision GmbH <ap@vendor.example>"],
        "Your return RMA-2026-000007 to Acme is authorised",
    )


def test_the_delivery_log_with_contacts_costs_the_same_queries_for_any_number_of_rows(
    operator_client, person, acme, run_on_commit, django_assert_max_num_queries
):
    in_app(person, run_on_commit, "First")
    contact_notice(acme, run_on_commit, REFUSING_BACKEND)
    with CaptureQueriesContext(connection) as two_rows:
        assert operator_client.get(CHANGELIST).status_code == 200

    for i in range(10):
        in_app(person, run_on_commit, f"More {i}")
        contact_notice(acme, run_on_commit, BOUNCING_BACKEND, email=f"buyer{i}@customer.example")
    with django_assert_max_num_queries(len(two_rows.captured_queries)):
        assert len(operator_client.get(CHANGELIST).context["cl"].result_list) == 22
