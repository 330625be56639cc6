"""Entering sales orders without friction: currency and line defaults, and "Ship" on the order's page."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.sales.models import SalesOrder, SalesOrderLine, Shipment, ShipmentStatus
from nexus.sales.services import confirm_order, draft_shipment, line_defaults, post_shipment
from nexus.tenancy.models import Tenant
from tests.nexus.procurement.helpers import TenantAdminClient, messages_of
from tests.nexus.procurement.test_admin import inline

from .conftest import stock
from .helpers import draft_order, order_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(site, admin_user) -> TenantAdminClient:
    return TenantAdminClient(admin_user, site.tenant)


def ship_url(order) -> str:
    return f"/admin/sales/salesorder/{order.pk}/follow-up/ship/"


def test_a_new_order_starts_in_the_tenants_currency(browser, site):
    Tenant.objects.filter(pk=site.tenant.pk).update(default_currency="EUR")

    page = browser.get("/admin/sales/salesorder/add/")

    assert page.context["adminform"].form.initial["currency"] == "EUR"


def test_lines_left_blank_take_the_orders_warehouse_and_date(browser, site):
    response = browser.post(
        "/admin/sales/salesorder/add/",
        {
            "customer": site.customer.pk,
            "currency": "USD",
            "warehouse": site.warehouse.pk,
            "order_date": "2026-05-04",
            **inline(
                "lines",
                [
                    {"product": site.bolt.pk, "quantity": "3", "unit_price": "2", "discount_percent": "0"},
                    {
                        "product": site.nut.pk,
                        "quantity": "1",
                        "unit_price": "2",
                        "discount_percent": "0",
                        "requested_date": "2026-06-01",
                        "warehouse": site.other_warehouse.pk,
                    },
                    {
                        "product": site.nut.pk,
                        "quantity": "1",
                        "unit_price": "2",
                        "discount_percent": "0",
                        "dropship": "on",
                    },
                ],
            ),
        },
    )

    assert response.status_code == 302, [
        f.errors for f in response.context["inline_admin_formsets"][0].formset
    ]
    lines = order_lines(SalesOrder.objects.get())
    assert [(line.warehouse_id, line.requested_date, line.dropship) for line in lines] == [
        (site.warehouse.pk, dt.date(2026, 5, 4), False),
        (site.other_warehouse.pk, dt.date(2026, 6, 1), False),
        (None, dt.date(2026, 5, 4), True),
    ]


def test_a_stock_line_without_any_warehouse_is_refused(browser, site):
    response = browser.post(
        "/admin/sales/salesorder/add/",
        {
            "customer": site.customer.pk,
            "currency": "USD",
            "order_date": "2026-05-04",
            **inline("lines", [{"product": site.bolt.pk, "quantity": "3", "unit_price": "2"}]),
        },
    )

    assert response.status_code == 200
    assert SalesOrder.objects.count() == 0
    assert "Choose a fulfilment warehouse, or mark the line dropship." in response.content.decode()


def test_line_defaults_keep_what_the_line_names(site):
    order = draft_order(site)

    named = line_defaults(
        order, {"warehouse": site.other_warehouse, "requested_date": dt.date(2026, 7, 1), "dropship": False}
    )

    assert (named["warehouse"], named["requested_date"]) == (site.other_warehouse, dt.date(2026, 7, 1))


def test_ship_drafts_the_open_lines_and_opens_the_shipment(browser, site, seller):
    stock(site.stock_a, site.bolt, "10", "1")
    order = confirm_order(draft_order(site, (site.bolt, "5"), (site.nut, "2")), actor=seller).instance
    page = browser.get(f"/admin/sales/salesorder/{order.pk}/change/")

    response = browser.post(ship_url(order))

    shipment = Shipment.objects.get()
    assert [b["label"] for b in page.context["follow_up_buttons"]] == ["Ship"]
    assert response["Location"] == f"/admin/sales/shipment/{shipment.pk}/change/"
    assert shipment.warehouse_id == site.warehouse.pk
    assert sorted(line.quantity for line in shipment.lines.all()) == [Decimal(2), Decimal(5)]
    assert messages_of(response) == [
        (
            "success",
            f'Drafted <a href="/admin/sales/shipment/{shipment.pk}/change/">{shipment.number}</a> for '
            f'<a href="/admin/sales/salesorder/{order.pk}/change/">{order.number}</a> with the open lines; '
            "post it when the goods leave.",
        )
    ]


def test_ship_again_opens_the_waiting_draft_and_after_posting_drafts_the_rest(browser, site, seller):
    stock(site.stock_a, site.bolt, "10", "1")
    order = confirm_order(draft_order(site, (site.bolt, "5")), actor=seller).instance
    (line,) = order_lines(order)
    post_shipment(draft_shipment(order, quantities={line.pk: Decimal(2)}), actor=seller)

    browser.post(ship_url(order))
    again = browser.post(ship_url(order))

    waiting = Shipment.objects.get(status=ShipmentStatus.DRAFT)
    assert again["Location"] == f"/admin/sales/shipment/{waiting.pk}/change/"
    assert [line.quantity for line in waiting.lines.all()] == [Decimal(3)]


def test_a_draft_order_offers_no_ship_button(browser, site):
    order = draft_order(site, (site.bolt, "5"))

    page = browser.get(f"/admin/sales/salesorder/{order.pk}/change/")
    refused = browser.post(ship_url(order))

    assert page.context["follow_up_buttons"] == []
    assert messages_of(refused)[-1][0] == "error"
    assert Shipment.objects.count() == 0
    assert SalesOrderLine.objects.filter(order=order).count() == 1
