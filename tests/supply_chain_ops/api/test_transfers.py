"""``/api/v1/transfer-orders/``: drafting, the steps as actions, receipts, refusals in the error shape."""

from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.inventory.models import Reservation, StockMove
from supply_chain_ops.models import TransferOrder
from tests.factories.inventory import WarehouseFactory
from tests.factories.people import TenantFactory
from tests.nexus.procurement.helpers import TenantAPIClient
from tests.supply_chain_ops.transfer_site import EXPECTED, SHIP_DATE, draft, transfer_site

pytestmark = pytest.mark.django_db
__all__ = ["transfer_site"]

API = "/api/v1/transfer-orders"


def new_order(site, **change):
    body = {
        "source_warehouse": site.berlin.pk,
        "destination_warehouse": site.hamburg.pk,
        "ship_date": SHIP_DATE.isoformat(),
        "expected_date": EXPECTED.isoformat(),
        "lines": [{"product": site.bolt.pk, "quantity": "30"}, {"product": site.oil.pk, "quantity": "2.5"}],
    }
    body.update(change)
    return body


def test_a_planner_drafts_and_approves_and_the_warehouse_ships_and_receives(transfer_site):
    site = transfer_site
    planner = TenantAPIClient(site.planner, site.tenant)
    clerk = TenantAPIClient(site.clerk, site.tenant)

    created = planner.post(f"{API}/", new_order(site), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], [line["sku"] for line in body["lines"]]) == ("draft", ["BOLT-10", "OIL-5"])
    pk = body["id"]

    assert planner.post(f"{API}/{pk}/approve/", {}, format="json").status_code == 200
    assert clerk.post(f"{API}/{pk}/ship/", {}, format="json").json()["status"] == "shipped"
    bolt_line = body["lines"][0]["id"]
    part = clerk.post(f"{API}/{pk}/receive/", {"lines": {str(bolt_line): "10"}}, format="json")
    assert part.status_code == 200, part.json()
    assert part.json()["status"] == "partially_received"
    assert [line["in_transit"] for line in part.json()["lines"]] == ["20.0000", "2.5000"]
    rest = clerk.post(f"{API}/{pk}/receive/", {}, format="json")
    assert rest.json()["status"] == "received"


def test_an_over_receipt_is_a_409_and_changes_nothing(transfer_site):
    site = transfer_site
    clerk = TenantAPIClient(site.clerk, site.tenant)
    order = draft(site, (site.bolt, "5"))
    TenantAPIClient(site.planner, site.tenant).post(f"{API}/{order.pk}/approve/", {}, format="json")
    clerk.post(f"{API}/{order.pk}/ship/", {}, format="json")
    line = order.lines.get()

    response = clerk.post(f"{API}/{order.pk}/receive/", {"lines": {str(line.pk): "6"}}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "over_receipt"
    assert not StockMove.objects.filter(reason="transfer_in").exists()


@pytest.mark.parametrize("key", ["²", "x", "0"])
def test_receipt_lines_are_parsed_with_their_keys_and_a_bad_one_changes_nothing(transfer_site, key):
    site = transfer_site
    clerk = TenantAPIClient(site.clerk, site.tenant)
    order = draft(site, (site.bolt, "5"))
    TenantAPIClient(site.planner, site.tenant).post(f"{API}/{order.pk}/approve/", {}, format="json")
    clerk.post(f"{API}/{order.pk}/ship/", {}, format="json")

    response = clerk.post(f"{API}/{order.pk}/receive/", {"lines": {key: "1"}}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [f"lines.{key}"]
    assert not StockMove.objects.filter(reason="transfer_in").exists()


def test_closing_with_a_difference_needs_a_reason(transfer_site):
    site = transfer_site
    clerk = TenantAPIClient(site.clerk, site.tenant)
    order = draft(site, (site.bolt, "5"))
    TenantAPIClient(site.planner, site.tenant).post(f"{API}/{order.pk}/approve/", {}, format="json")
    clerk.post(f"{API}/{order.pk}/ship/", {}, format="json")

    refused = clerk.post(f"{API}/{order.pk}/close/", {}, format="json")
    closed = clerk.post(f"{API}/{order.pk}/close/", {"reason": "lost"}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["reason"]
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert closed.json()["lines"][0]["written_off_quantity"] == "5.0000"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"product": "x", "quantity": "1"}]}, "lines.0.product"),
        ({"expected_date": "soon"}, "expected_date"),
        ({"source_warehouse": None}, "source_warehouse"),
    ],
)
def test_bad_input_is_a_400_on_the_field(transfer_site, change, field):
    site = transfer_site
    response = TenantAPIClient(site.planner, site.tenant).post(
        f"{API}/", new_order(site, **change), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert not TransferOrder.objects.exists()


def test_another_tenants_warehouse_is_a_400_and_creates_nothing(transfer_site):
    site = transfer_site
    with_other = TenantFactory.create(slug="other")
    with scope.tenant(with_other):
        foreign = WarehouseFactory.create(code="PAR1")

    response = TenantAPIClient(site.planner, site.tenant).post(
        f"{API}/", new_order(site, destination_warehouse=foreign.pk), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["destination_warehouse"]
    assert not TransferOrder.objects.exists()


def test_the_warehouse_cannot_approve(transfer_site):
    site = transfer_site
    order = draft(site, (site.bolt, "5"))

    response = TenantAPIClient(site.clerk, site.tenant).post(f"{API}/{order.pk}/approve/", {}, format="json")

    assert response.status_code == 403
    assert not Reservation.objects.exists()
    assert TransferOrder.objects.get(pk=order.pk).status == "draft"
    assert Decimal(order.lines.get().quantity) == Decimal(5)
