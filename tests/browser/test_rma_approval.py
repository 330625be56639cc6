"""An RMA approved from its list in Chromium, then its history seen on its page (the user guide's
"Approve returns" screenshot)."""

from typing import Any

import pytest
from playwright.sync_api import expect

from nexus.accounts.models import User
from nexus.core import scope
from supply_chain_ops.models import Rma, RmaStatus
from supply_chain_ops.workflows import rmas
from tests.supply_chain_ops.rma_site import draft_rma, make_rma_site

from .conftest import guide_screenshot, sign_in

pytestmark = pytest.mark.browser


def test_approving_an_rma_from_its_list_and_seeing_its_history(screen, live_server, currency: Any):
    site = make_rma_site()
    User.objects.filter(pk=site.manager.pk).update(full_name="Max Manager")
    with scope.tenant(site.tenant):
        rma = rmas.submit(draft_rma(site, (site.bolt_line, "2")), actor=site.clerk)
    sign_in(screen, live_server, site.manager, site.tenant)
    screen.goto(f"{live_server.url}/admin/supply_chain_ops/rma/?status__exact=submitted")

    expect(screen.get_by_role("link", name=rma.number)).to_be_visible()
    screen.locator("input.action-select").first.check()
    screen.locator("select[name=action]").select_option("transition_approve")
    guide_screenshot(screen, "approve-returns")
    screen.locator("button[name=index], button[type=submit][title='Run the selected action']").first.click()

    expect(screen.get_by_text("Approved 1")).to_be_visible()
    screen.goto(f"{live_server.url}/admin/supply_chain_ops/rma/{rma.pk}/change/")
    history = screen.locator("#transition-history")
    expect(history).to_contain_text("submit")
    expect(history).to_contain_text("approve")
    expect(history).to_contain_text("boss@acme.example")
    with scope.tenant(site.tenant):
        assert Rma.objects.get(pk=rma.pk).status in (RmaStatus.APPROVED, RmaStatus.AWAITING_RECEIPT)
