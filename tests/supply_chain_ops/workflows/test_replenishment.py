"""Replenishment runs: explained suggestions, nothing suggested twice, supersede, release, and
transfer before buy."""

from decimal import Decimal

import pytest

from nexus.core.errors import AlreadyPosted, TransitionNotAllowed
from nexus.procurement.models import Requisition, RequisitionStatus
from supply_chain_ops.models import (
    Decision,
    ReplenishmentRun,
    RunStatus,
    SuggestionKind,
    TransferOrder,
    TransferOrderStatus,
)
from supply_chain_ops.workflows import replenishment
from tests.supply_chain_ops.planning_site import PlanningSite, planning_site

__all__ = ["planning_site"]

pytestmark = pytest.mark.django_db


def _lines(run: ReplenishmentRun) -> list[tuple[str, str, str, Decimal]]:
    return [
        (line.kind, line.sku, line.warehouse.code, line.quantity)
        for line in run.lines.select_related("warehouse").order_by("warehouse__code", "kind")
    ]


def test_a_series_below_its_reorder_point_gets_an_explained_purchase(planning_site: PlanningSite) -> None:
    run = replenishment.run_replenishment(actor=planning_site.planner)
    assert run.status == RunStatus.PROPOSED
    # 10 a day, no error, 9 days: ROP 90, order-up-to 160; 20 left -> 140 -> cases of 12 -> 144.
    assert _lines(run) == [(SuggestionKind.PURCHASE, "BOLT-10", "BER1", Decimal(144))]
    line = run.lines.get()
    assert (line.method, line.forecast_daily, line.sigma_daily) == (
        "ses",
        Decimal("10.0000"),
        Decimal("0.0000"),
    )
    assert (line.lead_time_days, line.lead_time_source, line.safety_stock) == (9, "quoted", Decimal("0.0000"))
    assert (line.reorder_point, line.order_up_to, line.position) == (Decimal(90), Decimal(160), Decimal(20))
    assert (line.wanted, line.vendor_id, line.order_multiple) == (
        Decimal(140),
        planning_site.vendor.pk,
        Decimal(12),
    )
    assert "reorder point 90" in line.explanation
    assert (
        "Buy from FAST: 140 raised to the minimum 100 and rounded up to the multiple 12: 144."
        in line.explanation
    )
    assert line.chart["reorder_point"] == 90.0
    assert line.chart["history"][-3:] == [10.0, 10.0, 10.0]


def test_running_twice_supersedes_and_never_duplicates(planning_site: PlanningSite) -> None:
    first = replenishment.run_replenishment(actor=planning_site.planner)
    second = replenishment.run_replenishment(actor=planning_site.planner)
    first = ReplenishmentRun.objects.get(pk=first.pk)
    assert (first.status, first.superseded_by_id) == (RunStatus.SUPERSEDED, second.pk)
    assert ReplenishmentRun.objects.filter(status__in=[RunStatus.PROPOSED, RunStatus.APPROVED]).count() == 1
    assert _lines(second) == _lines(first)


def test_release_makes_requisitions_by_vendor_and_they_count_as_in_progress(
    planning_site: PlanningSite,
) -> None:
    run = replenishment.run_replenishment(actor=planning_site.planner)
    with pytest.raises(TransitionNotAllowed):
        replenishment.release(run, actor=planning_site.planner)
    run = replenishment.approve(run, actor=planning_site.planner)
    run = replenishment.release(run, actor=planning_site.planner)
    assert run.status == RunStatus.RELEASED
    requisition = Requisition.objects.get()
    assert requisition.status == RequisitionStatus.DRAFT
    assert [(line.product_id, line.quantity, line.vendor_id) for line in requisition.lines.all()] == [
        (planning_site.bolt.pk, Decimal(144), planning_site.vendor.pk)
    ]
    assert run.lines.get().requisition_id == requisition.pk
    again = replenishment.run_replenishment(actor=planning_site.planner)
    assert _lines(again) == []
    assert (
        ReplenishmentRun.objects.get(pk=run.pk).status == RunStatus.RELEASED
    )  # a released run is never superseded


def test_rejected_lines_are_not_released(planning_site: PlanningSite) -> None:
    run = replenishment.run_replenishment(actor=planning_site.planner)
    line = run.lines.get()
    assert replenishment.decide(run.pk, [line.pk], Decision.REJECTED, actor=planning_site.planner) == 1
    run = replenishment.approve(run, actor=planning_site.planner)
    assert run.lines.get().decision == Decision.REJECTED
    with pytest.raises(TransitionNotAllowed, match="no approved lines"):
        replenishment.release(run, actor=planning_site.planner)
    with pytest.raises(AlreadyPosted):
        replenishment.decide(run.pk, [line.pk], Decision.APPROVED, actor=planning_site.planner)


def test_transfer_before_buy_within_the_distance_limit(planning_site: PlanningSite) -> None:
    planning_site.put(planning_site.hamburg, 100)  # no demand in Hamburg: all of it is surplus
    planning_site.put(planning_site.munich, 500)  # ~500 km away: beyond the limit
    planning_site.set_policy(transfer_distance_km=300)
    run = replenishment.run_replenishment(actor=planning_site.planner)
    assert _lines(run) == [
        (SuggestionKind.PURCHASE, "BOLT-10", "BER1", Decimal(108)),  # 40 still wanted -> minimum 100 -> 108
        (SuggestionKind.TRANSFER, "BOLT-10", "BER1", Decimal(100)),
    ]
    transfer_line = run.lines.get(kind=SuggestionKind.TRANSFER)
    assert transfer_line.source_warehouse_id == planning_site.hamburg.pk
    assert "Transfer before buy: HAM1" in transfer_line.explanation
    order = TransferOrder.objects.get()
    assert (order.status, order.source_warehouse_id, order.destination_warehouse_id) == (
        TransferOrderStatus.DRAFT,
        planning_site.hamburg.pk,
        planning_site.berlin.pk,
    )
    # Running again withdraws the superseded run's draft and proposes the same move once.
    again = replenishment.run_replenishment(actor=planning_site.planner)
    assert _lines(again) == _lines(run)
    assert sorted(TransferOrder.objects.values_list("status", flat=True)) == [
        TransferOrderStatus.CANCELLED,
        TransferOrderStatus.DRAFT,
    ]


def test_a_released_transfer_counts_as_in_progress(planning_site: PlanningSite) -> None:
    planning_site.put(planning_site.hamburg, 200)
    planning_site.set_policy(transfer_distance_km=300)
    run = replenishment.run_replenishment(actor=planning_site.planner)
    assert _lines(run) == [(SuggestionKind.TRANSFER, "BOLT-10", "BER1", Decimal(140))]
    run = replenishment.release(
        replenishment.approve(run, actor=planning_site.planner), actor=planning_site.planner
    )
    assert not Requisition.objects.exists()
    assert TransferOrder.objects.get().status == TransferOrderStatus.DRAFT  # the planner approves it
    assert _lines(replenishment.run_replenishment(actor=planning_site.planner)) == []
