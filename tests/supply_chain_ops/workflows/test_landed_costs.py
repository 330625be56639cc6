"""Landed costs from draft to posted and reversed: allocation, on-hand/consumed split, journal, events."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from nexus.core.models import OutboxEvent
from nexus.core.transitions import perform_transition
from nexus.inventory.models import StockAvailability
from nexus.inventory.services import issue, transfer
from nexus.procurement.services import draft_receipt
from supply_chain_ops.models import LandedCost, LandedCostStatus
from supply_chain_ops.services.allocation import ZeroBasis
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost
from tests.factories.core import ExchangeRateFactory
from tests.factories.inventory import ProductFactory
from tests.nexus.procurement.helpers import sent_order
from tests.supply_chain_ops.conftest import SYSTEM, received

pytestmark = pytest.mark.django_db


def pool(product, warehouse):
    return StockAvailability.objects.get(product=product, warehouse=warehouse)


def landed(receipts, *charges, **fields):
    return create_landed_cost(
        receipt_ids=[r.pk for r in receipts], charges=list(charges), actor=SYSTEM, **fields
    )


def usd(amount, method="by_quantity", **fields):
    return ChargeInput(kind="freight", split_method=method, amount=Decimal(amount), currency="USD", **fields)


def run(landed_cost, *names, actor, reason=""):
    result = None
    for name in names:
        result = perform_transition((LandedCost, landed_cost.pk), name, actor=actor, reason=reason)
    return result.instance  # type: ignore[union-attr]


def test_compute_allocates_by_quantity_and_post_capitalises_exactly(site, purchaser, clerk, accountant):
    nut = ProductFactory.create(sku="NUT-8")
    receipt = received(site, purchaser, clerk, (site.bolt, "2", "4"), (site.oil, "3", "2"), (nut, "5", "1"))
    lc = landed([receipt], usd("50.00"))

    computed = run(lc, "compute", actor=accountant)

    rows = list(computed.allocations.order_by("id"))
    assert [(r.sku, r.amount) for r in rows] == [
        ("BOLT-10", Decimal("10.0000")),
        ("OIL-5", Decimal("15.0000")),
        ("NUT-8", Decimal("25.0000")),
    ]
    assert [r.on_hand for r in rows] == [
        {str(site.warehouse.pk): "10.00"},
        {str(site.warehouse.pk): "15.00"},
        {str(site.warehouse.pk): "25.00"},
    ]
    assert (computed.total, computed.capitalised, computed.cost_of_goods_sold) == (
        Decimal("50"),
        Decimal("50"),
        Decimal("0"),
    )
    assert computed.review["pools"][0]["average_before"] == "4.000000"
    assert computed.review["pools"][0]["average_after"] == "9.000000"
    assert computed.review["pools"][0]["warning"] is True

    posted = run(computed, "approve", "post", actor=accountant)

    assert posted.status == LandedCostStatus.POSTED
    assert pool(site.bolt, site.warehouse).value == Decimal("18.0000")
    assert pool(site.oil, site.warehouse).value == Decimal("21.0000")
    assert pool(nut, site.warehouse).value == Decimal("30.0000")
    assert posted.journal == [
        {"account": "inventory", "name": "Inventory", "warehouse": "BER1", "debit": "50.00", "credit": "0"},
        {
            "account": "clearing",
            "name": "Landed-cost clearing",
            "warehouse": "",
            "debit": "0",
            "credit": "50.00",
        },
    ]
    event = OutboxEvent.objects.get(name="supply_chain.landed_cost_posted")
    assert event.payload["total"] == "50.00"
    assert event.payload["capitalised"] == "50.00"
    assert event.payload["goods_receipt_ids"] == [receipt.pk]


def test_the_split_follows_goods_shipped_and_transferred(site, purchaser, clerk, accountant):
    receipt = received(site, purchaser, clerk, (site.bolt, "10", "4"))
    transfer(site.bolt.pk, site.stock_a.pk, site.other_stock.pk, 3, actor=SYSTEM)
    issue(site.bolt.pk, site.stock_a.pk, 4, actor=SYSTEM)
    lc = landed([receipt], usd("100.00"))

    posted = run(lc, "compute", "approve", "post", actor=accountant)

    row = posted.allocations.get()
    assert row.on_hand == {str(site.warehouse.pk): "30.00", str(site.other_warehouse.pk): "30.00"}
    assert row.consumed == Decimal("40.0000")
    assert pool(site.bolt, site.warehouse).value == Decimal("42.0000")  # 3 x 4 + 30
    assert pool(site.bolt, site.other_warehouse).value == Decimal("42.0000")
    assert (posted.capitalised, posted.cost_of_goods_sold) == (Decimal("60.0000"), Decimal("40.0000"))
    assert [
        (line["account"], line["warehouse"], line["debit"], line["credit"]) for line in posted.journal
    ] == [
        ("inventory", "BER1", "30.00", "0"),
        ("inventory", "HAM1", "30.00", "0"),
        ("cost_of_goods_sold", "", "40.00", "0"),
        ("clearing", "", "0", "100.00"),
    ]


def test_a_euro_charge_on_a_dollar_tenant_converts_once_at_the_cost_date(site, purchaser, clerk, accountant):
    ExchangeRateFactory.create(currency_id="EUR", date=dt.date(2026, 3, 1), rate=Decimal("1.0825"))
    receipt = received(site, purchaser, clerk, (site.bolt, "1", "4"), (site.oil, "1", "4"))
    lc = landed(
        [receipt],
        ChargeInput(kind="duty", split_method="equal", amount=Decimal("10.00"), currency="EUR"),
        cost_date=dt.date(2026, 3, 5),
    )

    computed = run(lc, "compute", actor=accountant)

    charge = computed.charges.get()
    assert (charge.rate, charge.converted) == (Decimal("1.0825000000"), Decimal("10.8200"))
    assert [r.amount for r in computed.allocations.order_by("id")] == [Decimal("5.4100"), Decimal("5.4100")]
    assert computed.currency_id == "USD"


def test_a_basis_of_zero_is_refused_naming_what_lacks_data(site, purchaser, clerk, accountant):
    type(site.bolt).objects.filter(pk=site.bolt.pk).update(unit_weight=None)
    receipt = received(site, purchaser, clerk, (site.bolt, "1", "4"))
    lc = landed([receipt], usd("10.00", method="by_weight"))

    with pytest.raises(ZeroBasis) as refused:
        run(lc, "compute", actor=accountant)

    assert f"{receipt.number} BOLT-10 lacks a unit weight" in refused.value.detail
    assert LandedCost.objects.get(pk=lc.pk).status == LandedCostStatus.DRAFT
    assert not LandedCost.objects.get(pk=lc.pk).allocations.exists()


def test_manual_amounts_must_total_the_charge(site, purchaser, clerk, accountant):
    receipt = received(site, purchaser, clerk, (site.bolt, "1", "4"), (site.oil, "1", "4"))
    first, second = receipt.lines.order_by("id")
    ok = landed(
        [receipt],
        usd("10.00", method="manual", manual_shares={first.pk: Decimal("7"), second.pk: Decimal("3")}),
    )
    short = landed([receipt], usd("10.00", method="manual", manual_shares={first.pk: Decimal("7")}))

    assert [r.amount for r in run(ok, "compute", actor=accountant).allocations.order_by("id")] == [
        Decimal("7.0000"),
        Decimal("3.0000"),
    ]
    with pytest.raises(InvalidInput) as refused:
        run(short, "compute", actor=accountant)
    assert refused.value.detail == "The manual amounts add up to 7, not 10."


def test_reversal_takes_value_off_the_goods_on_hand_now_and_the_rest_off_cost_of_goods_sold(
    site, purchaser, clerk, accountant
):
    receipt = received(site, purchaser, clerk, (site.bolt, "10", "4"))
    posted = run(landed([receipt], usd("100.00")), "compute", "approve", "post", actor=accountant)
    issue(site.bolt.pk, site.stock_a.pk, 6, actor=SYSTEM)  # 4 left, worth 4 x 14 = 56

    reversed_ = run(posted, "reverse", actor=accountant, reason="Freight billed to the wrong order")

    assert reversed_.status == LandedCostStatus.REVERSED
    assert pool(site.bolt, site.warehouse).value == Decimal("16.0000")  # 56 - 40
    assert [(line["account"], line["debit"], line["credit"]) for line in reversed_.reversal_journal] == [
        ("inventory", "0", "40.00"),
        ("cost_of_goods_sold", "0", "60.00"),
        ("clearing", "100.00", "0"),
    ]
    assert reversed_.journal[0]["debit"] == "100.00"
    event = OutboxEvent.objects.get(name="supply_chain.landed_cost_reversed")
    assert (event.payload["total"], event.payload["capitalised"]) == ("-100.00", "-40.00")


def test_posting_needs_the_post_permission(site, purchaser, clerk, accountant):
    receipt = received(site, purchaser, clerk, (site.bolt, "10", "4"))
    approved = run(landed([receipt], usd("10.00")), "compute", "approve", actor=accountant)

    with pytest.raises(PermissionDenied):
        run(approved, "post", actor=purchaser)

    assert LandedCost.objects.get(pk=approved.pk).status == LandedCostStatus.APPROVED
    assert pool(site.bolt, site.warehouse).value == Decimal("40.0000")


def test_a_posted_landed_cost_cannot_be_cancelled_or_posted_again(site, purchaser, clerk, accountant):
    receipt = received(site, purchaser, clerk, (site.bolt, "10", "4"))
    posted = run(landed([receipt], usd("10.00")), "compute", "approve", "post", actor=accountant)

    for name in ("post", "cancel"):
        with pytest.raises(TransitionNotAllowed):
            run(posted, name, actor=accountant, reason="again")

    assert pool(site.bolt, site.warehouse).value == Decimal("50.0000")


def test_unposted_receipts_are_refused(site, purchaser):
    draft = draft_receipt(sent_order(site, purchaser, (site.bolt, "1", "4")))

    with pytest.raises(InvalidInput) as refused:
        landed([draft], usd("1.00"))

    assert "not posted" in refused.value.detail
    assert not LandedCost.objects.exists()
