"""Balancing runs: nearest surplus first, supersede, approval, and never the same move as
replenishment's transfer before buy."""

from decimal import Decimal

import pytest

from supply_chain_ops.models import BalancingRun, RunStatus, TransferOrder, TransferOrderStatus
from supply_chain_ops.workflows import balancing, planning, replenishment
from tests.supply_chain_ops.planning_site import PlanningSite, planning_site

__all__ = ["planning_site"]

pytestmark = pytest.mark.django_db


def _moves(run: BalancingRun) -> list[tuple[str, str, Decimal]]:
    return [
        (line.source_warehouse.code, line.destination_warehouse.code, line.quantity)
        for line in run.lines.select_related("source_warehouse", "destination_warehouse").order_by("id")
    ]


def test_the_nearest_surplus_fills_the_deficit_first(planning_site: PlanningSite) -> None:
    planning_site.put(planning_site.hamburg, 100)  # 255 km
    planning_site.put(planning_site.munich, 500)  # 504 km
    run = balancing.run_balancing(actor=planning_site.planner)
    assert run.status == RunStatus.PROPOSED
    # Berlin wants 140 (to its order-up-to 160): all 100 of Hamburg, then 40 of Munich.
    assert _moves(run) == [("HAM1", "BER1", Decimal(100)), ("MUC1", "BER1", Decimal(40))]
    assert (
        "HAM1 is at 100.00, above its order-up-to level 0.00, 255 km away"
        in run.lines.order_by("id")[0].explanation
    )
    assert TransferOrder.objects.filter(status=TransferOrderStatus.DRAFT).count() == 2


def test_the_distance_limit_applies(planning_site: PlanningSite) -> None:
    planning_site.put(planning_site.munich, 500)
    planning_site.set_policy(transfer_distance_km=300)
    assert _moves(balancing.run_balancing(actor=planning_site.planner)) == []


def test_a_new_run_supersedes_the_proposed_one_and_approval_reserves(planning_site: PlanningSite) -> None:
    planning_site.put(planning_site.hamburg, 300)
    first = balancing.run_balancing(actor=planning_site.planner)
    second = balancing.run_balancing(actor=planning_site.planner)
    assert BalancingRun.objects.get(pk=first.pk).status == RunStatus.SUPERSEDED
    assert _moves(second) == [("HAM1", "BER1", Decimal(140))]
    assert sorted(TransferOrder.objects.values_list("status", flat=True)) == [
        TransferOrderStatus.CANCELLED,
        TransferOrderStatus.DRAFT,
    ]
    approved = balancing.approve(second, actor=planning_site.planner)
    assert approved.status == RunStatus.APPROVED
    assert (
        TransferOrder.objects.get(status__in=[TransferOrderStatus.APPROVED]).pk
        == second.lines.get().transfer_order_id
    )
    # An approved run stays: the next run sees its transfer in progress and proposes nothing.
    third = balancing.run_balancing(actor=planning_site.planner)
    assert BalancingRun.objects.get(pk=second.pk).status == RunStatus.APPROVED
    assert _moves(third) == []


def test_replenishment_and_balancing_never_propose_the_same_move(planning_site: PlanningSite) -> None:
    planning_site.put(planning_site.hamburg, 300)
    planning_site.set_policy(transfer_distance_km=300)
    replenished = replenishment.run_replenishment(actor=planning_site.planner)
    assert replenished.lines.get().quantity == Decimal(140)
    assert _moves(balancing.run_balancing(actor=planning_site.planner)) == []
    # And the other way round: a balancing proposal makes replenishment suggest nothing.
    planning.supersede(replenished, by=replenished, actor=planning_site.planner)
    assert _moves(balancing.run_balancing(actor=planning_site.planner)) == [("HAM1", "BER1", Decimal(140))]
    assert list(replenishment.run_replenishment(actor=planning_site.planner).lines.all()) == []
