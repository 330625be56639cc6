"""Planning runs in the admin: run now, explained lines with their chart, bulk decisions, the
queue, approve and release (with a recent second factor)."""

from decimal import Decimal

import pytest

from nexus.core.admin.queues import work_queues
from supply_chain_ops.models import BalancingRun, Decision, ReplenishmentRun, RunStatus
from supply_chain_ops.workflows import replenishment
from tests.nexus.procurement.helpers import TenantAdminClient, messages_of, save_buttons
from tests.supply_chain_ops.planning_site import PlanningSite, planning_site

pytestmark = pytest.mark.django_db
__all__ = ["planning_site"]

RUNS = "/admin/supply_chain_ops/replenishmentrun"
LINES = "/admin/supply_chain_ops/replenishmentline"


def test_run_now_proposes_a_run_and_its_page_explains_each_line(planning_site: PlanningSite) -> None:
    browser = TenantAdminClient(planning_site.planner, planning_site.tenant)
    listing = browser.get(f"{RUNS}/")
    assert "Run replenishment now" in listing.content.decode()
    assert browser.get(f"{RUNS}/run/").status_code == 200
    assert not ReplenishmentRun.objects.exists()  # a GET changes nothing

    response = browser.post(f"{RUNS}/run/")

    run = ReplenishmentRun.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"{RUNS}/{run.pk}/change/")
    assert run.status == RunStatus.PROPOSED
    page = browser.get(f"{RUNS}/{run.pk}/change/")
    assert "BOLT-10" in page.content.decode()
    assert save_buttons(page) == []
    assert [b["name"] for b in page.context["transition_buttons"]] == ["approve"]
    line = run.lines.get()
    line_page = browser.get(f"{LINES}/{line.pk}/change/")
    assert save_buttons(line_page) == []  # decided from the list, never saved from its page
    detail = line_page.content.decode()
    assert "Buy from FAST" in detail
    assert f"replenishment-chart-{line.pk}" in detail
    assert "unfold/js/chart/chart.js" in detail


def test_bulk_reject_and_approve_and_the_queue(planning_site: PlanningSite, rf) -> None:
    run = replenishment.run_replenishment(actor=planning_site.planner)
    line = run.lines.get()
    browser = TenantAdminClient(planning_site.planner, planning_site.tenant)
    queue = {q.key: q for q in work_queues.queues()}["supply_chain.replenishment_proposed"]
    request = rf.get("/admin/")
    request.user = planning_site.planner
    assert list(queue.queryset(request)) == [run]

    response = browser.post(f"{LINES}/", {"action": "reject_lines", "_selected_action": [line.pk]})

    assert response.status_code == 302
    assert [level for level, _ in messages_of(response)] == ["success"]
    assert run.lines.get().decision == Decision.REJECTED
    browser.post(f"{LINES}/", {"action": "approve_lines", "_selected_action": [line.pk]})
    assert run.lines.get().decision == Decision.APPROVED
    assert browser.get(f"{LINES}/?decision__exact=approved&kind__exact=purchase").status_code == 200


def test_release_asks_for_a_recent_second_factor(planning_site: PlanningSite) -> None:
    run = replenishment.approve(
        replenishment.run_replenishment(actor=planning_site.planner), actor=planning_site.planner
    )
    browser = TenantAdminClient(planning_site.planner, planning_site.tenant)

    response = browser.post(
        f"{RUNS}/{run.pk}/transition/release/", {"idempotency_key": "k", "version": run.version}
    )

    assert response.status_code == 302
    assert "step-up" in response["Location"] or "mfa" in response["Location"]
    assert ReplenishmentRun.objects.get(pk=run.pk).status == RunStatus.APPROVED


def test_balancing_run_now(planning_site: PlanningSite) -> None:
    planning_site.put(planning_site.hamburg, 300)
    browser = TenantAdminClient(planning_site.planner, planning_site.tenant)

    response = browser.post("/admin/supply_chain_ops/balancingrun/run/")

    run = BalancingRun.objects.get()
    assert response.status_code == 302
    assert [line.quantity for line in run.lines.all()] == [Decimal(140)]
    assert "HAM1" in browser.get(f"/admin/supply_chain_ops/balancingrun/{run.pk}/change/").content.decode()
