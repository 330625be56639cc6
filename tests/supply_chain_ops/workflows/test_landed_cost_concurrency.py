"""Two staff posting the same landed cost at once on PostgreSQL: exactly one posts, once."""

from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.errors import TransitionNotAllowed
from nexus.core.models import Currency, OutboxEvent
from nexus.core.transitions import perform_transition
from nexus.inventory.models import StockAvailability, StockMove
from nexus.tenancy.models import Role
from supply_chain_ops.models import LandedCost, LandedCostStatus
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost
from tests.helpers.concurrency import run_in_parallel
from tests.nexus.procurement.conftest import make_site, member
from tests.supply_chain_ops.conftest import SYSTEM, received

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def dollars() -> None:
    Currency.objects.get_or_create(code="USD", defaults={"name": "US Dollar", "exponent": 2})


def test_two_staff_posting_at_once_post_it_exactly_once():
    site = make_site()
    with scope.tenant(site.tenant):
        buyer = member(site.tenant, Role.PURCHASER, "buyer@acme.example")
        clerk = member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")
        accountants = [member(site.tenant, Role.ACCOUNTANT, f"books{i}@acme.example") for i in range(2)]
        receipt = received(site, buyer, clerk, (site.bolt, "10", "4"))
        charge = ChargeInput(
            kind="freight", split_method="by_quantity", amount=Decimal("25.00"), currency="USD"
        )
        lc = create_landed_cost(receipt_ids=[receipt.pk], charges=[charge], actor=SYSTEM)
        for name in ("compute", "approve"):
            perform_transition((LandedCost, lc.pk), name, actor=accountants[0])

    def post(index: int) -> LandedCost:
        with scope.tenant(site.tenant.pk):
            return perform_transition((LandedCost, lc.pk), "post", actor=accountants[index]).instance

    outcomes = run_in_parallel(post, 2)

    assert sum(o.ok for o in outcomes) == 1
    assert [type(o.error) for o in outcomes if not o.ok] == [TransitionNotAllowed]
    with scope.tenant(site.tenant):
        assert LandedCost.objects.get(pk=lc.pk).status == LandedCostStatus.POSTED
        assert StockAvailability.objects.get(product=site.bolt).value == Decimal("65.0000")
        assert StockMove.objects.filter(reason="revaluation").count() == 1
        assert OutboxEvent.objects.filter(name="supply_chain.landed_cost_posted").count() == 1
