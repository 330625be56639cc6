"""``/api/v1/rmas/``: create, submit, approve (step-up above the limit), receive, inspect, resolve."""

from decimal import Decimal

import pytest

from nexus.tenancy.models import Tenant
from supply_chain_ops.models import Rma, RmaStatus
from tests.nexus.procurement.helpers import TenantAPIClient
from tests.supply_chain_ops.api.test_landed_costs import stepped_up
from tests.supply_chain_ops.rma_site import draft_rma, rma_site

__all__ = ["rma_site"]

pytestmark = pytest.mark.django_db

URL = "/api/v1/rmas/"


def create(client, site, quantity="4"):
    body = {
        "sales_order": site.order.pk,
        "reason": site.reason.pk,
        "requested_resolution": "refund",
        "lines": [{"sales_order_line": site.bolt_line.pk, "quantity": quantity}],
    }
    return client.post(URL, body, format="json")


def test_the_whole_return_over_the_api(rma_site):
    clerk = TenantAPIClient(rma_site.clerk, rma_site.tenant)
    boss = TenantAPIClient(rma_site.manager, rma_site.tenant)
    warehouse = TenantAPIClient(rma_site.warehouse_clerk, rma_site.tenant)
    books = TenantAPIClient(rma_site.accountant, rma_site.tenant)

    created = create(clerk, rma_site)
    assert created.status_code == 201, created.json()
    rma = created.json()
    assert (rma["status"], rma["lines"][0]["unit_price"]) == ("draft", "22.500000")
    line = rma["lines"][0]["id"]
    url = f"{URL}{rma['id']}/"

    assert clerk.post(f"{url}submit/").json()["status"] == "submitted"
    assert boss.post(f"{url}approve/").json()["status"] == "approved"
    part = warehouse.post(f"{url}receive/", {"lines": {str(line): "1"}}, format="json")
    assert part.json()["status"] == "partially_received"
    assert warehouse.post(f"{url}receive/", {}, format="json").json()["status"] == "received"
    inspected = warehouse.post(
        f"{url}inspect/",
        {"inspections": [{"line": line, "quantity": "4", "disposition": "restock"}]},
        format="json",
    )
    assert inspected.json()["status"] == "inspected", inspected.json()
    resolved = books.post(f"{url}resolve/").json()
    assert (resolved["status"], resolved["restocking_fee"]) == ("resolved", "13.5000")
    assert resolved["credit_note"] is not None
    assert books.post(f"{url}close/").json()["status"] == "closed"


def test_approving_above_the_limit_needs_a_recent_second_factor(rma_site):
    Tenant.objects.filter(pk=rma_site.tenant.pk).update(policies={"rma_step_up_value": "50"})
    rma = draft_rma(rma_site, (rma_site.bolt_line, "4"))  # 90.00: above 50
    TenantAPIClient(rma_site.clerk, rma_site.tenant).post(f"{URL}{rma.pk}/submit/")

    refused = stepped_up(rma_site.manager, rma_site.tenant, recent=False).post(f"{URL}{rma.pk}/approve/")
    assert (refused.status_code, refused.json()["code"]) == (403, "mfa_required")
    assert Rma.objects.get(pk=rma.pk).status == RmaStatus.SUBMITTED

    approved = stepped_up(rma_site.manager, rma_site.tenant).post(f"{URL}{rma.pk}/approve/")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")


def test_approving_below_the_limit_needs_no_step_up(rma_site):
    rma = draft_rma(rma_site, (rma_site.bolt_line, "4"))
    TenantAPIClient(rma_site.clerk, rma_site.tenant).post(f"{URL}{rma.pk}/submit/")

    approved = stepped_up(rma_site.manager, rma_site.tenant, recent=False).post(f"{URL}{rma.pk}/approve/")

    assert approved.status_code == 200


def test_over_return_and_bad_input_are_refused_in_the_one_error_shape(rma_site):
    clerk = TenantAPIClient(rma_site.clerk, rma_site.tenant)

    too_many = create(clerk, rma_site, quantity="11")
    bad = clerk.post(URL, {"sales_order": "x", "lines": []}, format="json")

    assert (too_many.status_code, too_many.json()["code"]) == (409, "over_return")
    assert "asks for 11 but 10 pcs were shipped" in too_many.json()["detail"]
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) >= {"sales_order", "reason", "requested_resolution", "lines"}
    assert Rma.objects.count() == 0


def test_the_list_filters_by_state_customer_and_warehouse(rma_site):
    first = draft_rma(rma_site, (rma_site.bolt_line, "1"))
    draft_rma(rma_site, (rma_site.pump_line, "1"))
    TenantAPIClient(rma_site.clerk, rma_site.tenant).post(f"{URL}{first.pk}/submit/")
    client = TenantAPIClient(rma_site.manager, rma_site.tenant)

    submitted = client.get(URL, {"status": "submitted"}).json()
    by_customer = client.get(
        URL, {"customer": rma_site.customer.pk, "warehouse": rma_site.warehouse.pk}
    ).json()

    assert [row["number"] for row in submitted["results"]] == [first.number]
    assert by_customer["count"] == 2
    assert Decimal(submitted["results"][0]["lines"][0]["requested_quantity"]) == 1
