"""RMAs racing on PostgreSQL: never more claimed than shipped, never approved twice."""

from collections.abc import Iterator

import pytest

from nexus.core import scope
from nexus.core.errors import Conflict
from nexus.core.models import TransitionLog
from supply_chain_ops.models import Rma, RmaStatus
from supply_chain_ops.workflows import rmas
from tests.helpers.concurrency import run_in_parallel
from tests.supply_chain_ops.rma_site import draft_rma, make_rma_site

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_tenant_left_selected() -> Iterator[None]:
    with scope.tenant(None):
        yield


def test_two_rmas_submitted_at_once_cannot_together_return_more_than_shipped():
    site = make_rma_site()
    with scope.tenant(site.tenant):
        drafts = [draft_rma(site, (site.bolt_line, "6")).pk for _ in range(2)]  # 12 of 10 shipped

    def submit(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            rmas.submit(drafts[index], actor=site.clerk)

    outcomes = run_in_parallel(submit, 2)

    assert sum(o.ok for o in outcomes) == 1
    [refusal] = [o.error for o in outcomes if not o.ok]
    assert isinstance(refusal, Conflict)
    assert refusal.code == "over_return"
    with scope.tenant(site.tenant):
        assert sorted(Rma.objects.values_list("status", flat=True)) == [RmaStatus.DRAFT, RmaStatus.SUBMITTED]


def test_two_staff_approving_the_same_rma_at_once_approve_it_once():
    site = make_rma_site()
    with scope.tenant(site.tenant):
        rma = rmas.submit(draft_rma(site, (site.bolt_line, "4")), actor=site.clerk)

    def approve(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            rmas.approve(rma.pk, actor=site.manager)

    outcomes = run_in_parallel(approve, 2)

    assert sum(o.ok for o in outcomes) == 1
    with scope.tenant(site.tenant):
        assert (
            TransitionLog.objects.filter(
                object_type="supply_chain_ops.rma", object_id=str(rma.pk), transition="approve"
            ).count()
            == 1
        )
        assert Rma.objects.get(pk=rma.pk).lines.get().approved_quantity == 4
