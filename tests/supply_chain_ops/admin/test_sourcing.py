"""The sales-order changelist offers regional sourcing for draft orders."""

import pytest
from django.utils import timezone

from nexus.sales.models import SalesOrderLine
from nexus.tenancy.models import Role
from tests.nexus.procurement.conftest import member
from tests.nexus.procurement.helpers import TenantAdminClient, messages_of
from tests.supply_chain_ops.atp_site import atp_site, on_hand, sales_order

pytestmark = pytest.mark.django_db
__all__ = ["atp_site"]


def test_the_action_sets_the_warehouse_and_explains_it(atp_site):
    site = atp_site
    on_hand(site, "10", location=site.other_stock)
    order = sales_order(site, (400, "4"), confirm=False)
    line = SalesOrderLine.objects.get(order=order)
    browser = TenantAdminClient(member(site.tenant, Role.ADMIN, "admin@acme.example"), site.tenant)

    response = browser.post(
        "/admin/sales/salesorder/",
        {"action": "source_from_nearest_warehouses", "_selected_action": [order.pk]},
        follow=True,
    )

    assert messages_of(response) == [
        (
            "success",
            f"{order.number}, line {line.pk}: HAM1 is the nearest warehouse that can deliver 4 by "
            f"{line.requested_date}, 255.2 km away, from {timezone.localdate()}.",
        )
    ]
    assert SalesOrderLine.objects.get(pk=line.pk).warehouse_id == site.other_warehouse.pk
