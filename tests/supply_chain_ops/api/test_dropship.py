"""``/api/v1/dropship-orders/``: the steps, vendor shipments by a buyer or a vendor-bound token."""

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from nexus.accounts.models_tokens import ServiceToken
from nexus.accounts.service_tokens import create_service_token
from nexus.core import scope
from nexus.core.errors import InvalidInput
from nexus.procurement.models import PurchaseOrder, PurchaseOrderStatus
from nexus.sales.models import Shipment
from supply_chain_ops.models import DropshipOrder
from supply_chain_ops.workflows import dropship
from tests.nexus.procurement.helpers import TenantAPIClient
from tests.supply_chain_ops.dropship_site import DropshipSite, dropship_site, opened

pytestmark = pytest.mark.django_db
__all__ = ["dropship_site"]

API = "/api/v1/dropship-orders"
VENDOR_SCOPES = ["supply_chain_ops.ship_dropshiporder", "supply_chain_ops.view_dropshiporder"]


def vendor_token(site: DropshipSite, vendor_id: int, scopes: list[str] = VENDOR_SCOPES) -> dict[str, Any]:
    created = create_service_token(
        creator=site.buyer,
        tenant_id=site.tenant.pk,
        name="Vendor",
        scopes=scopes,
        expires_at=None,
        vendor_id=vendor_id,
    )
    return {"HTTP_AUTHORIZATION": f"Token {created.key}", "HTTP_X_TENANT": site.tenant.slug}


def sent_mixed(site: DropshipSite) -> DropshipOrder:
    order = opened(site, (site.desk, "2", True), (site.lamp, "3", True), (site.bolt, "1", False))
    return dropship.send(order, actor=site.buyer)


def test_a_vendor_token_ships_its_own_lines_and_nothing_of_another_vendor(dropship_site):
    site = dropship_site
    order = sent_mixed(site)
    lamp_only = dropship.send(opened(site, (site.lamp, "1", True)), actor=site.buyer)
    desk = order.lines.get(sku="DESK-1")
    lamp = order.lines.get(sku="LAMP-2")
    other_line = lamp_only.lines.get().purchase_order_line_id
    acme = APIClient()  # leaves no tenant selected after each request: read the rows first
    headers = vendor_token(site, site.acme.pk)

    listed = acme.get(f"{API}/", **headers)
    assert [row["number"] for row in listed.json()["results"]] == [order.number]
    assert acme.get(f"{API}/{lamp_only.pk}/", **headers).status_code == 404
    foreign = acme.post(
        f"{API}/{order.pk}/vendor-shipments/",
        {"tracking_number": "1Z", "lines": [{"sales_order_line": lamp.sales_order_line_id}]},
        format="json",
        **headers,
    )
    assert foreign.status_code == 403, foreign.json()
    other_order = acme.post(
        f"{API}/{lamp_only.pk}/vendor-shipments/",
        {
            "tracking_number": "1Z",
            "lines": [{"purchase_order_line": other_line}],
        },
        format="json",
        **headers,
    )
    assert other_order.status_code == 404
    own = acme.post(
        f"{API}/{order.pk}/vendor-shipments/",
        {
            "tracking_number": "1Z",
            "carrier": "UPS",
            "lines": [{"purchase_order_line": desk.purchase_order_line_id}],
        },
        format="json",
        **headers,
    )
    assert own.status_code == 201, own.json()
    body = own.json()
    assert body["status"] == "partially_shipped"
    assert [(line["sku"], line["shipped_quantity"]) for line in body["lines"]] == [
        ("DESK-1", "2.0000"),
        ("LAMP-2", "0.0000"),
    ]
    assert [(s["tracking_number"], s["carrier"]) for s in body["shipments"]] == [("1Z", "UPS")]
    assert body["shipments"][0]["reported_by"] == "service token Vendor"
    again = acme.post(
        f"{API}/{order.pk}/vendor-shipments/",
        {
            "tracking_number": "1Z",
            "carrier": "UPS",
            "lines": [{"purchase_order_line": desk.purchase_order_line_id}],
        },
        format="json",
        **headers,
    )
    assert again.status_code == 200
    assert again.json()["shipments"] == body["shipments"]
    # Nothing else: a vendor's token holds only the vendor scopes.
    assert acme.get("/api/v1/purchase-orders/", **headers).status_code == 403
    assert acme.post(f"{API}/{order.pk}/close/", {}, format="json", **headers).status_code == 403
    with scope.tenant(site.tenant):
        assert list(Shipment.objects.values_list("tracking_number", flat=True)) == ["1Z"]


def test_a_vendor_token_holds_only_the_vendor_scopes_of_an_existing_vendor(dropship_site):
    site = dropship_site

    with pytest.raises(InvalidInput) as beyond:
        vendor_token(site, site.acme.pk, ["procurement.view_purchaseorder"])
    assert beyond.value.fields == {
        "scopes": ["'procurement.view_purchaseorder' is not offered to a vendor's integration."]
    }
    with pytest.raises(InvalidInput) as unknown:
        vendor_token(site, 999999)
    assert unknown.value.fields == {"vendor": ["Vendor 999999 does not exist in this tenant."]}
    assert not ServiceToken.objects.exists()


def test_a_buyer_picks_a_vendor_resumes_and_sends_over_the_api(dropship_site):
    site = dropship_site
    order = opened(site, (site.chair, "2", True))
    buyer = TenantAPIClient(site.buyer, site.tenant)
    line = order.lines.get()

    shown = buyer.get(f"{API}/{order.pk}/").json()
    assert (shown["status"], shown["exception_kind"]) == ("exception", "no_vendor")
    assert [t["name"] for t in shown["available_transitions"]] == ["cancel"]
    picked = buyer.post(
        f"{API}/{order.pk}/pick-vendor/", {"line": line.pk, "vendor": site.acme.pk}, format="json"
    )
    assert picked.status_code == 200, picked.json()
    assert picked.json()["lines"][0]["vendor"] == site.acme.pk
    resumed = buyer.post(f"{API}/{order.pk}/resume/", {}, format="json")
    assert resumed.json()["status"] == "purchase_orders_created"
    sent = buyer.post(f"{API}/{order.pk}/send/", {}, format="json")
    assert sent.json()["status"] == "sent"
    assert PurchaseOrder.objects.get().status == PurchaseOrderStatus.SENT


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": [{"sales_order_line": 1}]}, "tracking_number"),
        ({"tracking_number": "1Z", "lines": []}, "lines"),
        ({"tracking_number": "1Z", "lines": [{"sales_order_line": 1, "purchase_order_line": 1}]}, "lines"),
        ({"tracking_number": "1Z", "lines": [{"sales_order_line": 1, "quantity": "-1"}]}, "lines"),
    ],
)
def test_a_bad_vendor_shipment_is_a_400_and_ships_nothing(dropship_site, body, field):
    site = dropship_site
    order = sent_mixed(site)

    response = TenantAPIClient(site.buyer, site.tenant).post(
        f"{API}/{order.pk}/vendor-shipments/", body, format="json"
    )

    assert response.status_code == 400
    assert [key.split(".")[0] for key in response.json()["fields"]] == [field]
    assert not Shipment.objects.exists()


def test_shipping_more_than_is_open_is_a_409(dropship_site):
    site = dropship_site
    order = sent_mixed(site)
    desk = order.lines.get(sku="DESK-1")

    response = TenantAPIClient(site.buyer, site.tenant).post(
        f"{API}/{order.pk}/vendor-shipments/",
        {
            "tracking_number": "1Z",
            "lines": [{"sales_order_line": desk.sales_order_line_id, "quantity": "2.5"}],
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "over_shipment"
    assert DropshipOrder.objects.get(pk=order.pk).lines.get(sku="DESK-1").shipped_quantity == Decimal(0)
