"""The sales API: orders with lines, confirming with short stock, shipping, 409s, isolation, budgets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nexus.core import scope
from nexus.inventory.models import Reservation, ReservationState, StockAvailability
from nexus.inventory.services import ReservationRequest, reserve
from nexus.sales import models as sales_models
from nexus.sales.models import SalesOrder, SalesOrderStatus
from nexus.sales.services import confirm_order, draft_shipment, line_source, post_shipment
from tests.factories.sales import CustomerFactory
from tests.nexus.procurement.helpers import TenantAPIClient

from .conftest import STOCKER, make_site, member, stock
from .helpers import draft_order, order_lines

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def api_as(site):
    def make(user) -> TenantAPIClient:
        return TenantAPIClient(user, site.tenant)

    return make


@pytest.fixture
def api(api_as, seller) -> TenantAPIClient:
    return api_as(seller)


def test_an_order_takes_the_default_warehouse_and_dropship_lines_take_none(api, site):
    response = api.post(
        "/api/v1/sales-orders/",
        {
            "customer": site.customer.pk,
            "warehouse": site.warehouse.pk,
            "lines": [
                {
                    "product": site.bolt.pk,
                    "quantity": "3",
                    "unit_price": "19.99",
                    "discount_percent": "5",
                    "requested_date": "2026-06-10",
                },
                {
                    "product": site.nut.pk,
                    "quantity": "2",
                    "unit_price": "1",
                    "requested_date": "2026-06-12",
                    "dropship": True,
                    "warehouse": site.other_warehouse.pk,
                },
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["currency"], body["status"]) == (f"SO-{YEAR}-000001", "USD", "draft")
    assert [(line["warehouse"], line["dropship"]) for line in body["lines"]] == [
        (site.warehouse.pk, False),
        (None, True),
    ]
    # 3 x 19.99 x 0.95 = 56.9715 -> 56.97; 2 x 1 = 2.00.
    assert [line["amount"] for line in body["lines"]] == ["56.97", "2.00"]
    assert body["lines"][0]["net_unit_price"] == "18.990500"
    assert body["total"] == "58.97"


def test_a_line_with_no_warehouse_anywhere_is_refused(api, site):
    response = api.post(
        "/api/v1/sales-orders/",
        {
            "customer": site.customer.pk,
            "lines": [
                {"product": site.bolt.pk, "quantity": "1", "unit_price": "1", "requested_date": "2026-06-10"}
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "lines.0.warehouse": ["Choose a fulfilment warehouse, or mark the line dropship."]
    }


def test_confirming_with_short_stock_shows_what_stayed_unreserved(api, site):
    stock(site.stock_a, site.bolt, "2", "1")
    order = draft_order(site, (site.bolt, "5"))

    response = api.post(f"/api/v1/sales-orders/{order.pk}/confirm/", {}, format="json")

    assert response.status_code == 200, response.json()
    (line,) = response.json()["lines"]
    assert response.json()["status"] == "confirmed"
    assert (line["reserved_quantity"], line["unreserved_quantity"], line["promised_date"]) == (
        "2.0000",
        "3.0000",
        "2026-06-10",
    )
    stock(site.stock_b, site.bolt, "10", "1")

    topped = api.post(f"/api/v1/sales-orders/{order.pk}/reserve/", {}, format="json")

    assert topped.status_code == 200, topped.json()
    (line,) = topped.json()["lines"]
    assert (line["reserved_quantity"], line["unreserved_quantity"]) == ("5.0000", "0.0000")


def test_cancelling_needs_a_reason_then_releases(api, site, seller):
    stock(site.stock_a, site.bolt, "10", "1")
    order = confirm_order(draft_order(site, (site.bolt, "5")), actor=seller).instance

    refused = api.post(f"/api/v1/sales-orders/{order.pk}/cancel/", {}, format="json")
    cancelled = api.post(
        f"/api/v1/sales-orders/{order.pk}/cancel/", {"reason": "duplicate order"}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["fields"] == {"reason": ["A reason is required to cancel."]}
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert Reservation.objects.get().state == ReservationState.RELEASED
    assert StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse).reserved == Decimal(0)


def test_a_confirmed_order_cannot_be_edited_or_deleted(api, site, seller):
    stock(site.stock_a, site.bolt, "10", "1")
    order = confirm_order(draft_order(site, (site.bolt, "5")), actor=seller).instance

    edit = api.patch(f"/api/v1/sales-orders/{order.pk}/", {"notes": "x"}, format="json")
    delete = api.delete(f"/api/v1/sales-orders/{order.pk}/")

    for response in (edit, delete):
        assert response.status_code == 409
        assert response.json() == {
            "code": "already_posted",
            "detail": f"{order} is confirmed; only drafts can be changed (correct it with a new document).",
        }


def test_deleting_a_draft_releases_what_was_reserved_for_its_lines_by_hand(api, site):
    stock(site.stock_a, site.bolt, "10", "1")
    order = draft_order(site, (site.bolt, "4"))
    (line,) = order_lines(order)
    held = reserve(
        ReservationRequest(
            product_id=site.bolt.pk,
            warehouse_id=site.warehouse.pk,
            quantity=Decimal(4),
            required_date=line.requested_date,
            source=line_source(line.pk),
        ),
        actor=STOCKER,
    )

    response = api.delete(f"/api/v1/sales-orders/{order.pk}/")

    assert response.status_code == 204
    assert not SalesOrder.objects.filter(pk=order.pk).exists()
    assert Reservation.objects.get(pk=held.pk).state == ReservationState.RELEASED
    assert StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse).reserved == Decimal(0)


def test_shipping_through_the_api(api_as, site, seller, clerk):
    stock(site.stock_a, site.bolt, "10", "2.5")
    order = confirm_order(draft_order(site, (site.bolt, "4")), actor=seller).instance
    api = api_as(clerk)

    drafted = api.post(f"/api/v1/sales-orders/{order.pk}/draft-shipment/", {"carrier": "DHL"}, format="json")
    posted = api.post(f"/api/v1/shipments/{drafted.json()['id']}/post/", {}, format="json")

    assert drafted.status_code == 201, drafted.json()
    assert posted.status_code == 200, posted.json()
    assert [(line["quantity"], line["cost_value"]) for line in posted.json()["lines"]] == [
        ("4.0000", "10.0000")
    ]
    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrderStatus.SHIPPED
    again = api.patch(f"/api/v1/shipments/{drafted.json()['id']}/", {"carrier": "UPS"}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize("key", ["²", "x", "-3"])
def test_draft_shipment_lines_are_parsed_with_their_keys_and_a_bad_one_changes_nothing(
    api_as, site, seller, clerk, key
):
    stock(site.stock_a, site.bolt, "10", "2.5")
    order = confirm_order(draft_order(site, (site.bolt, "4")), actor=seller).instance

    response = api_as(clerk).post(
        f"/api/v1/sales-orders/{order.pk}/draft-shipment/", {"lines": {key: "1"}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [f"lines.{key}"]
    assert not sales_models.Shipment.objects.exists()


def test_a_shipment_for_a_draft_order_is_refused_on_creation(api_as, site, clerk):
    order = draft_order(site, (site.bolt, "4"))
    (line,) = order_lines(order)

    response = api_as(clerk).post(
        "/api/v1/shipments/",
        {
            "sales_order": order.pk,
            "warehouse": site.warehouse.pk,
            "lines": [{"sales_order_line": line.pk, "quantity": "1"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"]["sales_order"] == [
        f"{order} is draft; only confirmed or partially shipped orders ship."
    ]


def test_another_tenants_orders_are_not_found(api, site):
    mine = draft_order(site, (site.bolt, "1"))
    other = make_site("globex")
    with scope.tenant(other.tenant):
        theirs = draft_order(other, (other.bolt, "1"))

    assert [row["id"] for row in api.get("/api/v1/sales-orders/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/sales-orders/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/sales-orders/{theirs.pk}/confirm/", {}, format="json").status_code == 404
    assert api.post(f"/api/v1/sales-orders/{theirs.pk}/reserve/", {}, format="json").status_code == 404
    refused = api.post(
        "/api/v1/sales-orders/",
        {"customer": other.customer.pk, "warehouse": site.warehouse.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert "customer" in refused.json()["fields"]


def test_a_viewer_reads_but_may_not_confirm(api_as, site, viewer):
    order = draft_order(site, (site.bolt, "1"))
    api = api_as(viewer)

    assert api.get(f"/api/v1/sales-orders/{order.pk}/").json()["available_transitions"] == []
    assert api.post(f"/api/v1/sales-orders/{order.pk}/confirm/", {}, format="json").status_code == 403
    assert api.post(f"/api/v1/sales-orders/{order.pk}/draft-shipment/", {}, format="json").status_code == 403


def _documents(site, seller, clerk, n: int) -> None:
    for index in range(n):
        customer = CustomerFactory.create()
        stock(site.stock_a, site.bolt, "3", "1")
        order = draft_order(site, (site.bolt, "2"), (site.nut, "1"), customer=customer)
        order = confirm_order(order, actor=seller).instance
        lines = order_lines(order)
        post_shipment(draft_shipment(order, quantities={lines[0].pk: Decimal(1)}), actor=clerk)
        if index % 2:
            draft_order(site, (site.nut, "1"), customer=customer)


@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/sales-orders/", "/api/v1/shipments/"])
def test_every_list_costs_the_same_queries_for_two_rows_or_eight(api_as, site, seller, clerk, path):
    api = api_as(member(site.tenant, "admin", "boss@acme.example"))
    _documents(site, seller, clerk, 2)
    api.get(path)  # the first request of a session also looks up the person's membership
    with CaptureQueriesContext(connection) as few:
        assert api.get(path).status_code == 200
    _documents(site, seller, clerk, 6)

    with CaptureQueriesContext(connection) as many:
        response = api.get(path)

    assert response.json()["count"] >= 8
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v1/customers/", "Customer"),
        ("/api/v1/sales-orders/", "SalesOrder"),
        ("/api/v1/shipments/", "Shipment"),
    ],
)
def test_every_endpoint_shows_only_its_tenants_rows(api_as, site, seller, clerk, path, model):
    rows = getattr(sales_models, model).objects
    _documents(site, seller, clerk, 1)
    mine = set(rows.values_list("pk", flat=True))
    other = make_site("globex")
    with scope.tenant(other.tenant):
        _documents(
            other,
            member(other.tenant, "sales", "sales@globex.example"),
            member(other.tenant, "warehouse_clerk", "clerk@globex.example"),
            1,
        )
        theirs = set(rows.values_list("pk", flat=True))
    api = api_as(member(site.tenant, "admin", "boss@acme.example"))

    listed = {row["id"] for row in api.get(path, {"page_size": 200}).json()["results"]}

    assert listed == mine
    assert theirs
    assert not theirs & mine
    for pk in theirs:
        assert api.get(f"{path}{pk}/").status_code == 404
        assert api.patch(f"{path}{pk}/", {"notes": "x"}, format="json").status_code == 404


def test_a_search_matching_two_lines_finds_the_order_once_and_the_list_reads_no_distinct(api, site):
    order = draft_order(site, (site.bolt, "1"), (site.nut, "1"))
    draft_order(site, (site.nut, "1"))

    with CaptureQueriesContext(connection) as queries:
        found = api.get("/api/v1/sales-orders/?search=-10")
    listed = api.get("/api/v1/sales-orders/").json()

    assert [row["id"] for row in found.json()["results"]][-1] == order.pk
    assert found.json()["count"] == listed["count"] == 2
    assert sorted(row["id"] for row in found.json()["results"]) == sorted(
        row["id"] for row in listed["results"]
    )
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"]]
