"""A landed cost computed, reviewed and posted from the admin, through the step-up prompt, in Chromium."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import StockAvailability
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Role
from supply_chain_ops.models import LandedCost, LandedCostStatus
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost
from tests.factories.people import MembershipFactory, UserFactory
from tests.nexus.accounts.conftest import current_code, enrol
from tests.nexus.procurement.conftest import make_site
from tests.nexus.procurement.helpers import sent_order

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_computing_reviewing_and_posting_a_landed_cost_with_a_step_up(screen, live_server, currency: Any):
    site = make_site()
    ana = UserFactory.create(email="ana@acme.example", full_name="Ana Books")
    MembershipFactory.create(user=ana, tenant=site.tenant, role=Role.ACCOUNTANT)
    buyer = MembershipFactory.create(tenant=site.tenant, role=Role.PURCHASER).user
    clerk = MembershipFactory.create(tenant=site.tenant, role=Role.WAREHOUSE_CLERK).user
    secret = enrol(ana)
    with scope.tenant(site.tenant):
        order = sent_order(site, buyer, (site.bolt, "2", "4"), (site.oil, "3", "2"))
        receipt = post_receipt(draft_receipt(order), actor=clerk).instance
        charge = ChargeInput(
            kind="freight", split_method="by_quantity", amount=Decimal("50.00"), currency="USD"
        )
        lc = create_landed_cost(receipt_ids=[receipt.pk], charges=[charge], actor=ActorRef.system("tests"))
    sign_in(screen, live_server, ana, site.tenant)
    screen.goto(f"{live_server.url}/admin/supply_chain_ops/landedcost/{lc.pk}/change/")

    screen.get_by_role("button", name="Compute", exact=True).click()
    expect(screen.get_by_text(f"Computed “{lc.number}”.")).to_be_visible()
    expect(screen.get_by_text("pool average before")).to_be_visible()
    expect(screen.get_by_text("BER1 20.00")).to_be_visible()
    screen.get_by_role("button", name="Approve", exact=True).click()
    expect(screen.get_by_text(f"Approved “{lc.number}”.")).to_be_visible()

    screen.get_by_role("button", name="Post", exact=True).click()
    expect(screen.get_by_text("Confirm it is you")).to_be_visible()
    screen.get_by_label("Code").fill(current_code(secret))
    screen.get_by_role("button", name="Verify").click()
    screen.get_by_role("button", name="Post landed cost").click()

    expect(screen.get_by_text(f"Posted “{lc.number}”.")).to_be_visible()
    expect(screen.get_by_text("Landed-cost clearing")).to_be_visible()
    with scope.tenant(site.tenant):
        assert LandedCost.objects.get(pk=lc.pk).status == LandedCostStatus.POSTED
        assert StockAvailability.objects.get(product=site.bolt).value == Decimal("28.0000")
