"""A landed cost computed, reviewed and posted from the admin, through the step-up prompt, in Chromium;
a buyer, who may compute but not approve or post, sees only the buttons of their own steps."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import perform_transition
from nexus.inventory.models import StockAvailability
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Role
from supply_chain_ops.models import LandedCost, LandedCostStatus
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost
from tests.factories.people import MembershipFactory, UserFactory
from tests.nexus.accounts.conftest import current_code, enrol
from tests.nexus.procurement.conftest import Site, make_site
from tests.nexus.procurement.helpers import sent_order

from .conftest import guide_screenshot, sign_in

pytestmark = pytest.mark.browser


def draft_landed_cost(site: Site) -> LandedCost:
    """50.00 of freight over a posted receipt of 2 bolts and 3 cans of oil (by quantity)."""
    buyer = MembershipFactory.create(tenant=site.tenant, role=Role.PURCHASER).user
    clerk = MembershipFactory.create(tenant=site.tenant, role=Role.WAREHOUSE_CLERK).user
    with scope.tenant(site.tenant):
        order = sent_order(site, buyer, (site.bolt, "2", "4"), (site.oil, "3", "2"))
        receipt = post_receipt(draft_receipt(order), actor=clerk).instance
        charge = ChargeInput(
            kind="freight", split_method="by_quantity", amount=Decimal("50.00"), currency="USD"
        )
        return create_landed_cost(receipt_ids=[receipt.pk], charges=[charge], actor=ActorRef.system("tests"))


def transition_labels(page: Any) -> list[str]:
    return [label.strip() for label in page.locator("li.nexus-transition").all_inner_texts()]


def test_computing_reviewing_and_posting_a_landed_cost_with_a_step_up(screen, live_server, currency: Any):
    site = make_site()
    ana = UserFactory.create(email="ana@acme.example", full_name="Ana Books")
    MembershipFactory.create(user=ana, tenant=site.tenant, role=Role.ACCOUNTANT)
    secret = enrol(ana)
    lc = draft_landed_cost(site)
    sign_in(screen, live_server, ana, site.tenant)
    screen.goto(f"{live_server.url}/admin/supply_chain_ops/landedcost/{lc.pk}/change/")

    screen.get_by_role("button", name="Compute", exact=True).click()
    expect(screen.get_by_text(f"Computed “{lc.number}”.")).to_be_visible()
    expect(screen.get_by_text("pool average before")).to_be_visible()
    expect(screen.get_by_text("BER1 20.00")).to_be_visible()
    expect(screen.locator("#submit-row").get_by_role("button")).to_have_count(0)  # read-only once computed
    guide_screenshot(screen, "landed-cost-review", top=screen.get_by_text("Capitalised", exact=True))
    screen.get_by_role("button", name="Approve", exact=True).click()
    expect(screen.get_by_text(f"Approved “{lc.number}”.")).to_be_visible()

    screen.get_by_role("button", name="Post", exact=True).click()
    expect(screen.get_by_text("Confirm it is you")).to_be_visible()
    guide_screenshot(screen, "landed-cost-step-up")
    screen.get_by_label("Code").fill(current_code(secret))
    screen.get_by_role("button", name="Verify").click()
    screen.get_by_role("button", name="Post landed cost").click()

    expect(screen.get_by_text(f"Posted “{lc.number}”.")).to_be_visible()
    expect(screen.get_by_text("Landed-cost clearing")).to_be_visible()
    with scope.tenant(site.tenant):
        assert LandedCost.objects.get(pk=lc.pk).status == LandedCostStatus.POSTED
        assert StockAvailability.objects.get(product=site.bolt).value == Decimal("28.0000")


def test_a_buyer_sees_no_approve_or_post_button_and_a_warehouse_clerk_no_button(
    screen, live_server, currency: Any
):
    site = make_site()
    lc = draft_landed_cost(site)
    bea = MembershipFactory.create(
        tenant=site.tenant, role=Role.PURCHASER, user__email="bea@acme.example"
    ).user
    accountant = MembershipFactory.create(tenant=site.tenant, role=Role.ACCOUNTANT).user
    clerk = MembershipFactory.create(tenant=site.tenant, role=Role.WAREHOUSE_CLERK).user
    with scope.tenant(site.tenant):
        perform_transition(lc, "compute", actor=bea)
    page = f"{live_server.url}/admin/supply_chain_ops/landedcost/{lc.pk}/change/"
    sign_in(screen, live_server, bea, site.tenant)

    screen.goto(page)
    expect(screen.get_by_text("pool average before")).to_be_visible()
    assert transition_labels(screen) == ["Compute", "Cancel…"]

    with scope.tenant(site.tenant):
        perform_transition(LandedCost.objects.get(pk=lc.pk), "approve", actor=accountant)
    screen.reload()
    expect(screen.get_by_text("pool average before")).to_be_visible()
    assert transition_labels(screen) == ["Cancel…"]
    expect(screen.get_by_role("button", name="Post", exact=True)).to_have_count(0)

    screen.context.clear_cookies()
    sign_in(screen, live_server, clerk, site.tenant)
    screen.goto(page)
    expect(screen.get_by_text("pool average before")).to_be_visible()
    assert transition_labels(screen) == []
