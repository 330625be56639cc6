"""The sales admin: confirming shows what stayed unreserved, reserving later, shipping, budgets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.inventory.models import Reservation, ReservationState, StockAvailability
from nexus.inventory.services import ReservationRequest, reserve
from nexus.sales.models import SalesOrder, SalesOrderStatus, Shipment, ShipmentStatus
from nexus.sales.services import confirm_order, draft_shipment, line_source, post_shipment
from tests.factories.sales import CustomerFactory
from tests.nexus.procurement.helpers import TenantAdminClient, messages_of

from .conftest import STOCKER, stock
from .helpers import draft_order, order_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(site, admin_user) -> TenantAdminClient:
    return TenantAdminClient(admin_user, site.tenant)


def test_deleting_a_draft_order_releases_what_was_reserved_for_it_by_hand(browser, site):
    stock(site.stock_a, site.bolt, "10", "1")
    order = draft_order(site, (site.bolt, "4"))
    (line,) = order_lines(order)
    request = ReservationRequest(
        product_id=site.bolt.pk,
        warehouse_id=site.warehouse.pk,
        quantity=Decimal(4),
        required_date=line.requested_date,
        source=line_source(line.pk),
    )
    held = reserve(request, actor=STOCKER)

    response = browser.post(f"/admin/sales/salesorder/{order.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not SalesOrder.objects.filter(pk=order.pk).exists()
    assert Reservation.objects.get(pk=held.pk).state == ReservationState.RELEASED
    assert StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse).reserved == Decimal(0)


def test_deleting_an_order_confirmed_since_the_page_opened_is_refused_and_keeps_it(browser, site, seller):
    stock(site.stock_a, site.bolt, "10", "1")
    order = confirm_order(draft_order(site, (site.bolt, "4")), actor=seller).instance

    response = browser.post(f"/admin/sales/salesorder/{order.pk}/delete/", {"post": "yes"})

    assert messages_of(response) == [
        ("error", f"{order} is confirmed; only drafts can be changed (correct it with a new document).")
    ]
    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrderStatus.CONFIRMED
    assert StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse).reserved == Decimal(4)


def test_confirming_with_short_stock_warns_what_stayed_unreserved(browser, site):
    stock(site.stock_a, site.bolt, "2", "1")
    order = draft_order(site, (site.bolt, "5"), (site.nut, "1"))

    response = browser.post(
        f"/admin/sales/salesorder/{order.pk}/transition/confirm/", {"idempotency_key": "k"}
    )

    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrderStatus.CONFIRMED
    assert messages_of(response) == [
        (
            "warning",
            f"{order}: not enough free stock to reserve everything; "
            "unreserved BOLT-10: 3 of 5; NUT-10: 1 of 1.",
        ),
        ("success", f"Confirmed “{order}”."),
    ]


def test_reserving_later_from_the_list(browser, site, seller):
    stock(site.stock_a, site.bolt, "2", "1")
    order = confirm_order(draft_order(site, (site.bolt, "5")), actor=seller).instance
    stock(site.stock_a, site.bolt, "10", "1")

    response = browser.post(
        "/admin/sales/salesorder/", {"action": "reserve_what_is_free", "_selected_action": [order.pk]}
    )

    assert messages_of(response) == [("success", "Reserved more stock for 1 line(s).")]
    assert StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse).reserved == Decimal(5)


def test_shipping_from_the_list_and_posting_from_the_page(browser, site, seller):
    stock(site.stock_a, site.bolt, "10", "1")
    order = confirm_order(draft_order(site, (site.bolt, "5")), actor=seller).instance

    browser.post("/admin/sales/salesorder/", {"action": "draft_shipments", "_selected_action": [order.pk]})
    shipment = Shipment.objects.get()
    response = browser.post(f"/admin/sales/shipment/{shipment.pk}/transition/post/", {})

    assert messages_of(response)[-1] == ("success", f"Posted “{shipment}”.")
    assert Shipment.objects.get().status == ShipmentStatus.POSTED
    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrderStatus.SHIPPED
    page = browser.get(f"/admin/sales/shipment/{shipment.pk}/change/").content.decode()
    assert 'name="carrier"' not in page


def test_a_confirmed_order_is_read_only_and_offers_no_shipment_transitions(browser, site, seller):
    stock(site.stock_a, site.bolt, "10", "1")
    order = confirm_order(draft_order(site, (site.bolt, "5")), actor=seller).instance

    page = browser.get(f"/admin/sales/salesorder/{order.pk}/change/").content.decode()
    actions = [
        value
        for value, _ in browser.get("/admin/sales/salesorder/")
        .context["action_form"]
        .fields["action"]
        .choices
    ]

    assert 'name="notes"' not in page
    assert 'name="lines-0-quantity"' not in page
    assert not {"transition_record_full_shipment", "transition_record_partial_shipment"} & set(actions)


def _documents(site, seller, clerk, n: int) -> None:
    for _ in range(n):
        customer = CustomerFactory.create()
        stock(site.stock_a, site.bolt, "3", "1")
        order = confirm_order(
            draft_order(site, (site.bolt, "2"), (site.nut, "1"), customer=customer), actor=seller
        )
        (line, _) = order_lines(order.instance)
        post_shipment(draft_shipment(order.instance, quantities={line.pk: Decimal(1)}), actor=clerk)
        draft_order(site, (site.nut, "1"), customer=customer)


@pytest.mark.parametrize(
    "path", ["/admin/sales/customer/", "/admin/sales/salesorder/", "/admin/sales/shipment/"]
)
def test_every_change_list_costs_the_same_queries_for_few_rows_or_many(browser, site, seller, clerk, path):
    _documents(site, seller, clerk, 1)
    browser.get(path)
    with CaptureQueriesContext(connection) as few:
        assert browser.get(path).status_code == 200
    _documents(site, seller, clerk, 5)

    with CaptureQueriesContext(connection) as many:
        assert browser.get(path).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)


def test_change_pages_open(browser, site, seller, clerk):
    _documents(site, seller, clerk, 1)
    for path, model in (
        ("/admin/sales/customer/", type(site.customer)),
        ("/admin/sales/salesorder/", SalesOrder),
        ("/admin/sales/shipment/", Shipment),
    ):
        for pk in model.objects.values_list("pk", flat=True):
            assert browser.get(f"{path}{pk}/change/").status_code == 200, (path, pk)
        assert browser.get(f"{path}add/").status_code == 200, path
