"""Planning runs racing on PostgreSQL: one open run at a time, and never the same move twice."""

from collections.abc import Iterator

import pytest

from nexus.core import scope
from supply_chain_ops.models import ReplenishmentRun, RunStatus, TransferOrder, TransferOrderStatus
from supply_chain_ops.workflows import balancing, replenishment
from tests.helpers.concurrency import run_in_parallel
from tests.supply_chain_ops.planning_site import make_planning_site

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_tenant_left_selected() -> Iterator[None]:
    with scope.tenant(None):
        yield


def test_runs_racing_leave_one_proposal_of_each_move():
    site = make_planning_site()
    with scope.tenant(site.tenant):
        site.put(site.hamburg, 300)
        site.set_policy(transfer_distance_km=300)

    def plan(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            if index % 2:
                balancing.run_balancing(actor=site.planner)
            else:
                replenishment.run_replenishment(actor=site.planner)

    outcomes = run_in_parallel(plan, 4)

    assert [o.ok for o in outcomes] == [True] * 4
    with scope.tenant(site.tenant):
        open_runs = ReplenishmentRun.objects.filter(status__in=[RunStatus.PROPOSED, RunStatus.APPROVED])
        assert open_runs.count() == 1
        drafts = TransferOrder.objects.filter(status=TransferOrderStatus.DRAFT)
        assert [(d.source_warehouse_id, d.destination_warehouse_id) for d in drafts] == [
            (site.hamburg.pk, site.berlin.pk)
        ]
        assert [line.quantity for line in drafts.get().lines.all()] == [140]
