"""``/api/v1/atp/`` and ``/api/v1/promises/``: answers, batches, refusals in the error shape."""

import pytest
from django.utils import timezone

from nexus.tenancy.models import Role
from supply_chain_ops.models import Promise
from tests.nexus.procurement.conftest import member
from tests.nexus.procurement.helpers import TenantAPIClient
from tests.supply_chain_ops.atp_site import atp_site, line_of, on_hand, purchase, sales_order

pytestmark = pytest.mark.django_db
__all__ = ["atp_site"]


def test_one_product_with_its_buckets(atp_site):
    site = atp_site
    on_hand(site, "4")
    purchase(site, (3, "10"))  # overdue by now: expected today
    api = TenantAPIClient(site.seller, site.tenant)

    answer = api.get(
        "/api/v1/atp/",
        {"product": site.bolt.pk, "quantity": "6", "warehouse": site.warehouse.pk, "buckets": "true"},
    )

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["basis"] == "atp"
    assert body["sources"] == [
        {"warehouse": site.warehouse.pk, "warehouse_code": "BER1", "quantity": "6.0000"}
    ]
    assert body["warehouses"][0]["promisable"] == "14.0000"
    assert body["breakdown"]["stock_share"] == 0.6667
    buckets = body["warehouses"][0]["buckets"]
    assert (len(buckets), buckets[0]["supply"], buckets[0]["cumulative_atp"]) == (90, "14.0000", "14.0000")


def test_a_batch_answers_each_request_in_order(atp_site):
    site = atp_site
    on_hand(site, "3")
    on_hand(site, "9", product=site.nut, location=site.other_stock)
    api = TenantAPIClient(site.seller, site.tenant)

    answer = api.post(
        "/api/v1/atp/",
        {
            "requests": [
                {"product": site.bolt.pk, "quantity": "2"},
                {"product": site.nut.pk, "quantity": "5"},
            ],
            "horizon_days": 14,
        },
        format="json",
    )

    assert answer.status_code == 200, answer.json()
    assert [(a["sku"], a["sources"][0]["warehouse_code"]) for a in answer.json()] == [
        ("BOLT-10", "BER1"),
        ("NUT-10", "HAM1"),
    ]
    assert "buckets" not in answer.json()[0]["warehouses"][0]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"quantity": "1"}, "product"),
        ({"product": "x", "quantity": "1"}, "product"),
        ({"product": 1}, "quantity"),
    ],
)
def test_bad_queries_are_400_in_the_error_shape(atp_site, query, field):
    answer = TenantAPIClient(atp_site.seller, atp_site.tenant).get("/api/v1/atp/", dict(query))

    assert answer.status_code == 400
    assert (answer.json()["code"], list(answer.json()["fields"])) == ("invalid", [field])


def test_an_unknown_product_is_a_404(atp_site):
    answer = TenantAPIClient(atp_site.seller, atp_site.tenant).get(
        "/api/v1/atp/", {"product": "999999", "quantity": "1"}
    )

    assert answer.status_code == 404


def test_a_warehouse_clerk_may_not_ask(atp_site):
    clerk = member(atp_site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")

    answer = TenantAPIClient(clerk, atp_site.tenant).get(
        "/api/v1/atp/", {"product": atp_site.bolt.pk, "quantity": "1"}
    )

    assert answer.status_code == 403


def test_promise_then_release_over_the_api(atp_site):
    site = atp_site
    on_hand(site, "5")
    quote = sales_order(site, (2, "5"), confirm=False)
    api = TenantAPIClient(site.seller, site.tenant)

    made = api.post("/api/v1/promises/", {"sales_line": line_of(quote).pk, "quantity": "5"}, format="json")

    assert made.status_code == 201, made.json()
    # Requested in the past: promised for today.
    assert (made.json()["promised_date"], made.json()["kind"]) == (str(timezone.localdate()), "quote")
    assert api.get("/api/v1/atp/", {"product": site.bolt.pk, "quantity": "1"}).json()["basis"] == "lead_time"
    too_much = api.post(
        "/api/v1/promises/", {"sales_line": line_of(quote).pk, "quantity": "1"}, format="json"
    )
    assert too_much.status_code == 400
    released = api.post(f"/api/v1/promises/{made.json()['id']}/release/", {}, format="json")
    assert released.json()["status"] == "released"
    assert Promise.objects.count() == 1
