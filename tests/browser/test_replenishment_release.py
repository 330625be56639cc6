"""Replenishment suggestions released from the admin in Chromium: a run started with "Run now", its
line approved from the list of lines, the run approved and released through the step-up prompt."""

from typing import Any

import pytest
from playwright.sync_api import expect

from nexus.accounts.models import User
from nexus.core import scope
from supply_chain_ops.models import Decision, ReplenishmentRun, RunStatus
from tests.nexus.accounts.conftest import current_code, enrol
from tests.supply_chain_ops.planning_site import make_planning_site

from .conftest import guide_screenshot, sign_in

pytestmark = pytest.mark.browser


def test_approving_lines_and_releasing_a_replenishment_run(screen, live_server, currency: Any):
    site = make_planning_site()
    User.objects.filter(pk=site.planner.pk).update(full_name="Paula Planner")
    secret = enrol(site.planner)
    sign_in(screen, live_server, site.planner, site.tenant)
    screen.goto(f"{live_server.url}/admin/supply_chain_ops/replenishmentrun/")

    screen.get_by_role("link", name="Run replenishment now").click()
    screen.get_by_role("button", name="Run replenishment now").click()
    with scope.tenant(site.tenant):
        run = ReplenishmentRun.objects.get()
    expect(screen.get_by_text(f"{run} is proposed.")).to_be_visible()

    lines = f"{live_server.url}/admin/supply_chain_ops/replenishmentline/?run_status=proposed"
    screen.goto(lines)
    expect(screen.locator("#result_list tbody tr")).to_have_count(1)
    screen.locator("#result_list").get_by_role("link", name="BOLT-10").click()
    expect(screen.get_by_text("Buy from FAST")).to_be_visible()
    expect(screen.locator("canvas")).to_be_visible()
    expect(screen.locator("#submit-row").get_by_role("button")).to_have_count(0)  # decided from the list
    screen.wait_for_timeout(1_500)  # the chart's drawing animation
    guide_screenshot(screen, "replenishment-line", top=screen.get_by_text("Requisition", exact=True))
    screen.goto(lines)
    screen.locator("input.action-select").first.check()
    screen.locator("select[name=action]").select_option("approve_lines")
    guide_screenshot(screen, "replenishment-lines")
    screen.get_by_role("button", name="Run").click()
    expect(screen.get_by_text("1 line(s) approved.")).to_be_visible()

    screen.goto(f"{live_server.url}/admin/supply_chain_ops/replenishmentrun/{run.pk}/change/")
    screen.get_by_role("button", name="Approve", exact=True).click()
    expect(screen.get_by_text(f"Approved “{run}”.")).to_be_visible()
    guide_screenshot(screen, "replenishment-run", top=screen.locator("#lines-group"))
    screen.get_by_role("button", name="Release", exact=True).click()
    expect(screen.get_by_text("Confirm it is you")).to_be_visible()
    screen.get_by_label("Code").fill(current_code(secret))
    screen.get_by_role("button", name="Verify").click()
    screen.get_by_role("button", name="Release replenishment run").click()

    expect(screen.get_by_text(f"Released “{run}”.")).to_be_visible()
    with scope.tenant(site.tenant):
        line = ReplenishmentRun.objects.get(pk=run.pk).lines.get()
        assert (ReplenishmentRun.objects.get(pk=run.pk).status, line.decision) == (
            RunStatus.RELEASED,
            Decision.APPROVED,
        )
        assert line.requisition_id is not None
