"""``/api/v1/cross-docks/``: what each receipt staged for which order, read-only, in the tenant."""

import pytest

from nexus.core import scope
from nexus.sales.services import draft_shipment, post_shipment
from supply_chain_ops.models import CrossDock, CrossDockLine
from supply_chain_ops.workflows.cross_docking import cross_dock_receipt
from tests.factories.people import TenantFactory
from tests.factories.supply_chain import CrossDockLineFactory
from tests.nexus.procurement.helpers import TenantAPIClient
from tests.supply_chain_ops.cross_dock_site import cross_dock_site

pytestmark = pytest.mark.django_db
__all__ = ["cross_dock_site"]

API = "/api/v1/cross-docks"


def test_the_list_shows_each_order_line_served_and_filters_what_still_waits(cross_dock_site):
    site = cross_dock_site
    first = cross_dock_receipt(site.receive("5").pk)
    second = cross_dock_receipt(site.receive("6").pk)
    assert first is not None
    assert second is not None
    post_shipment(draft_shipment(site.orders[1]), actor=site.clerk)
    CrossDockLine.objects.filter(cross_dock=first).update(shipped_quantity=5)
    api = TenantAPIClient(site.clerk, site.tenant)

    listing = api.get(f"{API}/")
    waiting = api.get(f"{API}/?waiting=true")
    done = api.get(f"{API}/?waiting=false")
    shown = api.get(f"{API}/{second.pk}/")

    assert listing.status_code == 200
    assert [row["number"] for row in listing.json()["results"]] == [second.number, first.number]
    assert [row["id"] for row in waiting.json()["results"]] == [second.pk]
    assert [row["id"] for row in done.json()["results"]] == [first.pk]
    assert shown.json()["staged_quantity"] == "6.0000"
    assert [(line["order_number"], line["quantity"], line["waiting"]) for line in shown.json()["lines"]] == [
        (site.orders[2].number, "6.0000", "6.0000")
    ]


def test_cross_docks_are_not_made_or_changed_through_the_api(cross_dock_site):
    site = cross_dock_site
    api = TenantAPIClient(site.clerk, site.tenant)

    refused = api.post(f"{API}/", {"receipt_move_id": 1}, format="json")

    assert refused.status_code == 403
    assert not CrossDock.objects.exists()


def test_another_tenants_cross_dock_is_not_found(cross_dock_site):
    site = cross_dock_site
    other = TenantFactory.create(slug="other")
    with scope.tenant(other):
        theirs = CrossDockLineFactory.create().cross_dock
    api = TenantAPIClient(site.clerk, site.tenant)

    assert api.get(f"{API}/{theirs.pk}/").status_code == 404
    assert api.get(f"{API}/").json()["results"] == []
