"""The landed-cost workflow runs on any implementation of the costing contract (swapped in settings)."""

from decimal import Decimal

import pytest
from django.test import override_settings

from nexus.core.transitions import perform_transition
from nexus.inventory.models import StockAvailability
from supply_chain_ops.contracts.costing import Position, ReceiptLineFacts, ValueMove
from supply_chain_ops.models import LandedCost
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost
from tests.supply_chain_ops import fakes
from tests.supply_chain_ops.conftest import SYSTEM, received

pytestmark = pytest.mark.django_db

IN_MEMORY = {
    "role_grants": "adapters.supply_chain_access.TenancyRoleGrants",
    "costing": "tests.supply_chain_ops.fakes.InMemoryCosting",
}


def test_compute_takes_its_facts_from_the_implementation_in_settings(site, purchaser, clerk, accountant):
    receipt = received(site, purchaser, clerk, (site.bolt, "10", "4"), (site.oil, "10", "4"))
    first, second = receipt.lines.order_by("id")
    fakes.BOOKS = fakes.Books(
        lines=[
            ReceiptLineFacts(
                receipt.pk,
                "GR-MEM",
                line.pk,
                900 + i,
                product.pk,
                sku,
                Decimal(10),
                Decimal(40),
                weight,
                None,
                None,
                None,
            )
            for i, (line, product, sku, weight) in enumerate(
                [(first, site.bolt, "MEM-A", Decimal(3)), (second, site.oil, "MEM-B", Decimal(1))]
            )
        ],
        positions={900: Position(Decimal(10), {site.warehouse.pk: Decimal(5)})},
        rates=fakes.FixedRates({"EUR": Decimal(2)}),
    )
    charge = ChargeInput(kind="freight", split_method="by_weight", amount=Decimal("20.00"), currency="EUR")

    with override_settings(SUPPLY_CHAIN_OPS_ADAPTERS=IN_MEMORY):
        lc = create_landed_cost(receipt_ids=[receipt.pk], charges=[charge], actor=SYSTEM)
        computed = perform_transition(lc, "compute", actor=accountant).instance
        for name in ("approve", "post"):
            posted = perform_transition((LandedCost, lc.pk), name, actor=accountant).instance

    rows = list(computed.allocations.order_by("id"))
    assert [(r.sku, r.receipt_number, r.amount) for r in rows] == [
        ("MEM-A", "GR-MEM", Decimal("30.0000")),
        ("MEM-B", "GR-MEM", Decimal("10.0000")),
    ]
    assert [(r.on_hand, r.consumed) for r in rows] == [
        ({str(site.warehouse.pk): "15.00"}, Decimal("15.0000")),
        ({}, Decimal("10.0000")),
    ]
    assert fakes.BOOKS.posted == [ValueMove(site.bolt.pk, site.warehouse.pk, Decimal("15.00"))]
    assert posted.journal[-1] == {
        "account": "clearing",
        "name": "Clearing 4711",
        "warehouse": "",
        "debit": "0",
        "credit": "40.00",
    }
    # Nothing reached the real stock: the posting went to the implementation in settings.
    assert StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse).value == Decimal(
        "40.0000"
    )
