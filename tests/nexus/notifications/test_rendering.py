"""Rendering templates/notifications/<name>/: plain-text parts unescaped, clear errors."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from nexus.notifications.rendering import RenderedMessage, RenderingFailed, render_message
from nexus.notifications.services import Contact
from nexus.tenancy.models import Tenant
from tests.factories.people import TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates():
    """The project's templates plus broken ones kept next to these tests."""
    engine = {**settings.TEMPLATES[0], "DIRS": [settings.BASE_DIR / "templates", TEST_TEMPLATES]}
    with override_settings(TEMPLATES=[engine]):
        yield


def test_the_security_alert_leaves_out_what_it_was_not_given():
    recipient = UserFactory.build(full_name="Ana Lima")

    plain = render_message("security_alert", {"summary": "Your password was changed", "recipient": recipient})
    detailed = render_message(
        "security_alert",
        {
            "summary": "Your password was changed",
            "details": "All your other sessions were signed out.",
            "occurred_at": "2026-03-01 09:30 UTC",
            "recipient": recipient,
        },
    )

    assert plain.body == (
        "Hello Ana,\n\nYour password was changed.\n\n"
        "If this was you, there is nothing to do. If it was not, change your password now and tell your\n"
        "administrator.\n\n— Nexus\n"
    )
    assert detailed.body == (
        "Hello Ana,\n\nYour password was changed.\n\nAll your other sessions were signed out.\n\n"
        "When: 2026-03-01 09:30 UTC\n\n"
        "If this was you, there is nothing to do. If it was not, change your password now and tell your\n"
        "administrator.\n\n— Nexus\n"
    )


def test_the_subject_is_one_line_and_the_body_is_trimmed(test_templates):
    assert render_message("multiline_subject", {"number": "SO-7"}) == RenderedMessage(
        subject="Order SO-7 shipped", body="Your order SO-7 shipped.\n", body_html=""
    )


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("no_such_template", "Template 'notifications/no_such_template/subject.txt' does not exist."),
        ("no_body", "Template 'notifications/no_body/body.txt' does not exist."),
        ("blank_subject", "Template 'notifications/blank_subject/subject.txt' rendered empty."),
        (
            "broken_syntax",
            "Template 'notifications/broken_syntax/subject.txt' failed to render: "
            "TemplateSyntaxError: Unexpected end of expression in if tag.",
        ),
        ("../secrets", "'../secrets' is not a notification template name."),
    ],
)
def test_a_template_that_cannot_render_says_which_and_why(test_templates, template, error):
    with pytest.raises(RenderingFailed) as failed:
        render_message(template, {})

    assert str(failed.value) == error


@pytest.fixture
def vendor() -> Contact:
    return Contact(name="Rheinland Präzision GmbH", email="ap@vendor.example")


@pytest.fixture
def tenant() -> Tenant:
    return TenantFactory.build(name="Acme")


def test_the_purchase_order_notice_lists_the_lines_for_the_vendor(vendor, tenant):
    message = render_message(
        "purchase_order_to_vendor",
        {
            "recipient": vendor,
            "tenant": tenant,
            "order_number": "PO-2026-000042",
            "order_date": "2026-03-02",
            "currency": "EUR",
            "lines": [
                {
                    "quantity": "40",
                    "description": "Hex bolt M10",
                    "vendor_sku": "RP-1010",
                    "unit_price": "0.42",
                },
                {"quantity": "5", "description": "Torque wrench", "vendor_sku": "", "unit_price": "89.00"},
            ],
            "total": "461.80",
            "expected_date": "2026-03-20",
            "deliver_to": "Acme Newark DC\n100 Port St\nNewark NJ 07114",
        },
    )

    assert message == RenderedMessage(
        subject="Purchase order PO-2026-000042 from Acme",
        body=(
            "Hello Rheinland Präzision GmbH,\n\n"
            "Acme orders the following under purchase order PO-2026-000042 of 2026-03-02:\n\n"
            "- 40 x Hex bolt M10 (your item RP-1010) at 0.42 EUR\n"
            "- 5 x Torque wrench at 89.00 EUR\n\n"
            "Total: 461.80 EUR\n\n"
            "Please deliver by 2026-03-20 to:\n"
            "Acme Newark DC\n100 Port St\nNewark NJ 07114\n\n"
            "Quote PO-2026-000042 on your confirmation, delivery note and invoice.\n\n"
            "— Acme\n"
        ),
        body_html="",
    )


def test_the_return_notice_tells_the_customer_where_to_send_the_goods(tenant):
    message = render_message(
        "return_authorised",
        {
            "recipient": Contact(name="", email="returns@customer.example"),
            "tenant": tenant,
            "rma_number": "RMA-2026-000007",
            "order_number": "SO-2026-000311",
            "lines": [{"quantity": "2", "description": "Safety goggles"}],
            "return_to": "Acme Returns\n100 Port St\nNewark NJ 07114",
        },
    )

    assert message.subject == "Your return RMA-2026-000007 to Acme is authorised"
    assert message.body == (
        "Hello,\n\n"
        "Acme has authorised your return RMA-2026-000007 for order SO-2026-000311:\n\n"
        "- 2 x Safety goggles\n\n"
        "Please send the goods, with RMA-2026-000007 written on the parcel, to:\n"
        "Acme Returns\n100 Port St\nNewark NJ 07114\n\n"
        "We will tell you when they have arrived and what happens next.\n\n"
        "— Acme\n"
    )


def test_the_dropship_notice_asks_the_vendor_to_ship_to_the_customer(vendor, tenant):
    message = render_message(
        "dropship_order_to_vendor",
        {
            "recipient": vendor,
            "tenant": tenant,
            "order_number": "PO-2026-000043",
            "lines": [{"quantity": "1", "description": "Pallet jack", "vendor_sku": "RP-PJ2"}],
            "ship_to_name": "Beacon Builders",
            "ship_to_address": "7 Elm St\nDayton OH 45402",
            "customer_reference": "BB-5521",
        },
    )

    assert message.subject == "Drop-ship order PO-2026-000043 from Acme: ship to Beacon Builders"
    assert message.body == (
        "Hello Rheinland Präzision GmbH,\n\n"
        "Acme orders the following under purchase order PO-2026-000043, to be shipped\n"
        "directly to our customer:\n\n"
        "- 1 x Pallet jack (your item RP-PJ2)\n\n"
        "Ship to:\nBeacon Builders\n7 Elm St\nDayton OH 45402\n\n"
        "Please send the parcel with no prices or invoice of yours in it, and tell us its tracking\n"
        "number when it leaves, quoting PO-2026-000043 and the customer's reference BB-5521.\n\n"
        "— Acme\n"
    )
