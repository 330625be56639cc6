"""The product page links to its ATP view: the chart's data and the promise for a typed quantity."""

import json
import re

import pytest
from django.utils import timezone

from nexus.tenancy.models import Role
from tests.nexus.procurement.conftest import member
from tests.nexus.procurement.helpers import TenantAdminClient
from tests.supply_chain_ops.atp_site import atp_site, on_hand, purchase

pytestmark = pytest.mark.django_db
__all__ = ["atp_site"]


def test_the_product_page_links_to_its_atp_with_chart_and_promise(atp_site):
    site = atp_site
    on_hand(site, "4")
    purchase(site, (3, "10"))
    browser = TenantAdminClient(site.seller, site.tenant)
    url = f"/admin/supply_chain_ops/promise/atp/{site.bolt.pk}/"

    assert (
        url
        in TenantAdminClient(member(site.tenant, Role.ADMIN, "a@acme.example"), site.tenant)
        .get(f"/admin/inventory/product/{site.bolt.pk}/change/")
        .content.decode()
    )
    page = browser.get(url, {"quantity": "6", "warehouse": site.warehouse.pk})

    assert page.status_code == 200
    text = page.content.decode()
    promise = re.search(r'<p id="atp-promise">(.*?)</p>', text, re.S).group(1)  # type: ignore[union-attr]
    assert (
        " ".join(promise.split())
        == f"6 pcs on <strong>{timezone.localdate():%b. %-d, %Y}</strong> from BER1 (6)"
    )
    chart = page.context["chart"]
    data = json.loads(chart)
    assert [d["label"] for d in data["datasets"]] == [
        "Cumulative supply",
        "Cumulative demand",
        "Cumulative ATP",
    ]
    assert (len(data["labels"]), data["datasets"][2]["data"][0]) == (90, 14.0)


def test_an_unknown_product_is_a_404_and_a_clerk_without_the_duty_is_refused(atp_site):
    site = atp_site
    seller = TenantAdminClient(site.seller, site.tenant)
    clerk = TenantAdminClient(member(site.tenant, Role.WAREHOUSE_CLERK, "c@acme.example"), site.tenant)

    assert seller.get("/admin/supply_chain_ops/promise/atp/999999/").status_code == 404
    assert clerk.get(f"/admin/supply_chain_ops/promise/atp/{site.bolt.pk}/").status_code == 403


def test_the_atp_page_is_titled_with_its_trail_from_the_product(atp_site):
    site = atp_site
    browser = TenantAdminClient(site.seller, site.tenant)

    page = browser.get(f"/admin/supply_chain_ops/promise/atp/{site.bolt.pk}/")

    heading = re.search(r'<h1 id="page-title"[^>]*>(.*?)</h1>', page.content.decode(), re.S).group(1)  # type: ignore[union-attr]
    crumbs = re.findall(r'<(?:a href="([^"]*)"|span) class="align-middle[^>]*>\s*(.*?)\s*</', heading, re.S)
    assert crumbs == [
        ("/admin/inventory/", "Inventory"),
        ("/admin/inventory/product/", "Products"),
        (f"/admin/inventory/product/{site.bolt.pk}/change/", "BOLT-10"),
        ("", "Available to promise"),
    ]
