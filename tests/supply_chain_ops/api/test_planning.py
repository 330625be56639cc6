"""``/api/v1/replenishment-runs/``, ``/replenishment-lines/``, ``/balancing-runs/``: start, read the
explained lines, decide, approve, release; permissions, other tenants, conflicts, retries."""

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection, transaction

from nexus.core import scope
from nexus.procurement.models import Requisition
from nexus.tenancy.models import Role
from supply_chain_ops.models import (
    BalancingRun,
    Decision,
    ReplenishmentLine,
    ReplenishmentRun,
    RunStatus,
    TransferOrder,
    TransferOrderStatus,
)
from supply_chain_ops.workflows import replenishment
from tests.factories.people import MembershipFactory, TenantFactory
from tests.nexus.procurement.helpers import TenantAPIClient
from tests.supply_chain_ops.api.test_landed_costs import stepped_up
from tests.supply_chain_ops.planning_site import PlanningSite, make_planning_site, planning_site

__all__ = ["planning_site"]

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/replenishment-runs"
LINES = "/api/v1/replenishment-lines"
BALANCING = "/api/v1/balancing-runs"
APPROVE = {"name": "approve", "label": "Approve", "requires_reason": False}
RELEASE = {"name": "release", "label": "Release", "requires_reason": False}


def member(site: PlanningSite, role: Role, email: str) -> TenantAPIClient:
    user = MembershipFactory.create(tenant=site.tenant, role=role, user__email=email).user
    return TenantAPIClient(user, site.tenant)


def test_a_planner_starts_a_run_decides_its_explained_lines_approves_and_releases(
    planning_site: PlanningSite,
) -> None:
    site = planning_site
    planner = stepped_up(site.planner, site.tenant)

    started = planner.post(f"{RUNS}/", format="json")

    assert started.status_code == 201, started.json()
    run = started.json()
    assert {
        k: v for k, v in run.items() if k not in ("id", "number", "finished_at", "created_at", "updated_at")
    } == {
        "status": "proposed",
        "trigger": "manual",
        "history_start": (site.today - dt.timedelta(days=28)).isoformat(),
        "history_end": (site.today - dt.timedelta(days=1)).isoformat(),
        "series_count": 3,
        "settings": {
            "service_level": 0.95,
            "review_days": 7,
            "history_days": 28,
            "ordering_cost": None,
            "holding_rate": None,
            "transfer_distance_km": None,
        },
        "superseded_by": None,
        "line_count": 1,
        "purchase_lines": 1,
        "transfer_lines": 0,
        "pending_lines": 1,
        "approved_lines": 0,
        "rejected_lines": 0,
        "released_at": None,
        "version": run["version"],
        "available_transitions": [APPROVE],
    }
    assert run["number"].startswith("RR-")

    listed = planner.get(f"{LINES}/", {"run": run["id"]}).json()["results"]
    assert [(x["kind"], x["sku"], x["warehouse"], x["quantity"], x["decision"]) for x in listed] == [
        ("purchase", "BOLT-10", site.berlin.pk, "144.0000", "pending")
    ]
    line = planner.get(f"{LINES}/{listed[0]['id']}/").json()
    assert (line["reorder_point"], line["order_up_to"], line["position"], line["method"]) == (
        "90.0000",
        "160.0000",
        "20.0000",
        "ses",
    )
    assert "rounded up to the multiple 12: 144." in line["explanation"]
    assert line["chart"]["reorder_point"] == 90.0

    rejected = planner.post(f"{RUNS}/{run['id']}/reject-lines/", {"lines": [line["id"]]}, format="json")
    assert (rejected.status_code, rejected.json()["rejected_lines"]) == (200, 1)
    approved_lines = planner.post(
        f"{RUNS}/{run['id']}/approve-lines/", {"lines": [line["id"]]}, format="json"
    )
    assert (approved_lines.json()["approved_lines"], approved_lines.json()["pending_lines"]) == (1, 0)

    approved = planner.post(f"{RUNS}/{run['id']}/approve/", {}, format="json")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert approved.json()["available_transitions"] == [RELEASE]
    released = planner.post(f"{RUNS}/{run['id']}/release/", {}, format="json")

    assert (released.status_code, released.json()["status"]) == (200, "released")
    requisition = Requisition.objects.get()
    assert ReplenishmentLine.objects.get().requisition_id == requisition.pk
    assert [(x.product_id, x.quantity) for x in requisition.lines.all()] == [(site.bolt.pk, Decimal(144))]


def test_release_needs_a_recent_second_factor_and_changes_nothing_without(
    planning_site: PlanningSite,
) -> None:
    site = planning_site
    run = replenishment.approve(replenishment.run_replenishment(actor=site.planner), actor=site.planner)

    refused = TenantAPIClient(site.planner, site.tenant).post(f"{RUNS}/{run.pk}/release/", {}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (403, "mfa_required")
    assert ReplenishmentRun.objects.get(pk=run.pk).status == RunStatus.APPROVED
    assert not Requisition.objects.exists()


def test_a_viewer_reads_runs_but_cannot_start_decide_or_approve(planning_site: PlanningSite) -> None:
    site = planning_site
    run = replenishment.run_replenishment(actor=site.planner)
    line = run.lines.get()
    viewer = member(site, Role.VIEWER, "view@plan.example")

    assert viewer.get(f"{RUNS}/").json()["count"] == 1
    assert viewer.get(f"{RUNS}/{run.pk}/").json()["available_transitions"] == []
    refusals = [
        viewer.post(f"{RUNS}/", format="json"),
        viewer.post(f"{RUNS}/{run.pk}/approve-lines/", {"lines": [line.pk]}, format="json"),
        viewer.post(f"{RUNS}/{run.pk}/approve/", {}, format="json"),
        viewer.post(f"{BALANCING}/", format="json"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in refusals] == [(403, "permission_denied")] * 4
    assert ReplenishmentRun.objects.get().status == RunStatus.PROPOSED
    assert run.lines.get().decision == Decision.PENDING
    assert not BalancingRun.objects.exists()


def test_a_sales_clerk_sees_no_planning(planning_site: PlanningSite) -> None:
    clerk = member(planning_site, Role.SALES, "sell@plan.example")
    answers = [clerk.get(f"{url}/") for url in (RUNS, LINES, BALANCING, "/api/v1/balancing-lines")]
    assert [r.status_code for r in answers] == [403] * 4


def test_another_tenants_run_is_a_404_and_stays_as_it_was(planning_site: PlanningSite) -> None:
    run = replenishment.run_replenishment(actor=planning_site.planner)
    line = run.lines.get()
    other = TenantFactory.create(slug="other")
    stranger = MembershipFactory.create(tenant=other, role=Role.PURCHASER, user__email="x@other.example").user
    outsider = TenantAPIClient(stranger, other)

    answers = [
        outsider.get(f"{RUNS}/{run.pk}/"),
        outsider.get(f"{LINES}/{line.pk}/"),
        outsider.post(f"{RUNS}/{run.pk}/approve/", {}, format="json"),
        outsider.post(f"{RUNS}/{run.pk}/approve-lines/", {"lines": [line.pk]}, format="json"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in answers] == [(404, "not_found")] * 4
    with scope.tenant(planning_site.tenant):
        assert ReplenishmentRun.objects.get().status == RunStatus.PROPOSED
        assert run.lines.get().decision == Decision.PENDING


def test_deciding_the_lines_of_an_approved_run_is_a_409_and_changes_nothing(
    planning_site: PlanningSite,
) -> None:
    site = planning_site
    run = replenishment.approve(replenishment.run_replenishment(actor=site.planner), actor=site.planner)
    line = run.lines.get()

    refused = TenantAPIClient(site.planner, site.tenant).post(
        f"{RUNS}/{run.pk}/reject-lines/", {"lines": [line.pk]}, format="json"
    )

    assert refused.status_code == 409
    assert refused.json() == {
        "code": "already_posted",
        "detail": f"{run.number} is approved; only a proposed run's lines are decided.",
    }
    assert run.lines.get().decision == Decision.APPROVED


def test_approving_twice_is_a_409(planning_site: PlanningSite) -> None:
    site = planning_site
    run = replenishment.approve(replenishment.run_replenishment(actor=site.planner), actor=site.planner)

    refused = TenantAPIClient(site.planner, site.tenant).post(f"{RUNS}/{run.pk}/approve/", {}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (409, "transition_not_allowed")


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "lines"), ({"lines": []}, "lines"), ({"lines": ["x"]}, "lines.0"), ({"lines": [0]}, "lines.0")],
)
def test_bad_line_lists_are_a_400_on_the_field(planning_site: PlanningSite, body: dict, field: str) -> None:
    run = replenishment.run_replenishment(actor=planning_site.planner)

    refused = TenantAPIClient(planning_site.planner, planning_site.tenant).post(
        f"{RUNS}/{run.pk}/approve-lines/", body, format="json"
    )

    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == [field]
    assert run.lines.get().decision == Decision.PENDING


def test_lines_of_another_run_are_a_400_and_nothing_is_decided(planning_site: PlanningSite) -> None:
    site = planning_site
    old = replenishment.run_replenishment(actor=site.planner)
    old_line = old.lines.get()
    run = replenishment.run_replenishment(actor=site.planner)
    line = run.lines.get()

    refused = TenantAPIClient(site.planner, site.tenant).post(
        f"{RUNS}/{run.pk}/approve-lines/", {"lines": [line.pk, old_line.pk]}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["fields"] == {"lines": [f"Not lines of {run.number}: {old_line.pk}."]}
    assert run.lines.get().decision == Decision.PENDING


def test_a_retry_with_the_same_idempotency_key_returns_the_same_run(planning_site: PlanningSite) -> None:
    planner = TenantAPIClient(planning_site.planner, planning_site.tenant)

    first = planner.post(f"{RUNS}/", format="json", HTTP_IDEMPOTENCY_KEY="run-1")
    again = planner.post(f"{RUNS}/", format="json", HTTP_IDEMPOTENCY_KEY="run-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert list(ReplenishmentRun.objects.values_list("status", flat=True)) == [RunStatus.PROPOSED]


def test_a_planner_starts_and_approves_a_balancing_run(planning_site: PlanningSite) -> None:
    site = planning_site
    site.put(site.hamburg, 300)
    planner = TenantAPIClient(site.planner, site.tenant)

    started = planner.post(f"{BALANCING}/", format="json")

    assert started.status_code == 201, started.json()
    run = started.json()
    order = TransferOrder.objects.get()
    assert (run["status"], run["line_count"], run["transfer_orders"], run["distance_limit_km"]) == (
        "proposed",
        1,
        [order.pk],
        None,
    )
    assert run["available_transitions"] == [APPROVE]
    lines = planner.get("/api/v1/balancing-lines/", {"run": run["id"]}).json()["results"]
    assert [
        (x["sku"], x["source_warehouse"], x["destination_warehouse"], x["quantity"], x["transfer_order"])
        for x in lines
    ] == [("BOLT-10", site.hamburg.pk, site.berlin.pk, "140.0000", order.pk)]
    assert "HAM1 is at 300.00, above its order-up-to level 0.00" in lines[0]["explanation"]

    approved = planner.post(f"{BALANCING}/{run['id']}/approve/", {}, format="json")

    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert approved.json()["available_transitions"] == []
    assert TransferOrder.objects.get().status == TransferOrderStatus.APPROVED
    again = planner.post(f"{BALANCING}/{run['id']}/approve/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "transition_not_allowed")


def test_the_run_lists_cost_a_constant_number_of_queries(
    planning_site: PlanningSite, django_assert_max_num_queries
) -> None:
    site = planning_site
    site.put(site.hamburg, 300)
    planner = TenantAPIClient(site.planner, site.tenant)
    for _ in range(3):
        planner.post(f"{RUNS}/", format="json")
        planner.post(f"{BALANCING}/", format="json")

    for url in (RUNS, LINES, BALANCING, "/api/v1/balancing-lines"):
        with django_assert_max_num_queries(12):
            assert planner.get(f"{url}/").status_code == 200


@contextmanager
def planning_lock_held_elsewhere(tenant_id: int) -> Iterator[None]:
    """Another connection holds the tenant's planning lock (as a run computing there does)."""
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"supply_chain.planning.{tenant_id}"]
                )
                held.set()
                done.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(30)
    try:
        yield
    finally:
        done.set()
        thread.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_starting_while_a_run_computes_is_a_409_and_starts_nothing() -> None:
    site = make_planning_site()
    planner = TenantAPIClient(site.planner, site.tenant)

    with planning_lock_held_elsewhere(site.tenant.pk):
        refusals = [planner.post(f"{RUNS}/", format="json"), planner.post(f"{BALANCING}/", format="json")]

    assert [(r.status_code, r.json()["code"]) for r in refusals] == [(409, "planning_in_progress")] * 2
    with scope.tenant(site.tenant):
        assert not ReplenishmentRun.objects.exists()
        assert not BalancingRun.objects.exists()
    assert planner.post(f"{RUNS}/", format="json").status_code == 201
