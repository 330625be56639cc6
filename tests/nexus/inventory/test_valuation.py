"""Moving-average valuation and FIFO cost layers, by hand-worked examples."""

from decimal import Decimal

import pytest

from nexus.inventory import services
from nexus.inventory.models import CostLayer, CostLayerConsumption, StockAvailability, StockBalance
from nexus.inventory.services.valuation import OpenLayer, consume_fifo, spread_value
from tests.nexus.inventory.conftest import ACTOR

D = Decimal


def pool(site, warehouse=None) -> StockAvailability:
    return StockAvailability.objects.get(product=site.product, warehouse=warehouse or site.warehouse)


@pytest.mark.smoke
def test_moving_average_after_receipts_at_different_costs(site):
    p, stock = site.product.pk, site.stock.pk
    services.receive(p, stock, 10, "4.00", actor=ACTOR)  # 10 x 4.00 = 40.00
    services.receive(p, stock, 30, "6.00", actor=ACTOR)  # 30 x 6.00 = 180.00
    # 40 units worth 220.00: average 220.00 / 40 = 5.50
    assert (pool(site).on_hand, pool(site).value, pool(site).average_unit_cost) == (D(40), D("220"), D("5.5"))

    issued = services.issue(p, stock, 12, actor=ACTOR)
    # an issue leaves at the average: 12 x 5.50 = 66.00; 28 units worth 154.00 stay, still 5.50 each
    assert (issued.unit_cost, issued.value) == (D("5.5"), D("66"))
    assert (pool(site).on_hand, pool(site).value, pool(site).average_unit_cost) == (D(28), D("154"), D("5.5"))

    services.receive(p, stock, 12, "7.25", actor=ACTOR)  # 12 x 7.25 = 87.00
    # 40 units worth 154.00 + 87.00 = 241.00: average 241.00 / 40 = 6.025
    assert (pool(site).on_hand, pool(site).value, pool(site).average_unit_cost) == (
        D(40),
        D("241"),
        D("6.025"),
    )

    last = services.issue(p, stock, 40, actor=ACTOR)
    # emptying the warehouse takes its whole value: nothing is left behind by rounding
    assert last.value == D("241")
    assert (pool(site).on_hand, pool(site).value, pool(site).average_unit_cost) == (D(0), D(0), D(0))


def test_rounding_never_strands_value(site):
    p, stock = site.product.pk, site.stock.pk
    services.receive(p, stock, 3, "3.333333", actor=ACTOR)  # 3 x 3.333333 = 9.999999 -> 10.0000
    assert pool(site).value == D("10.0000")
    first = services.issue(p, stock, 1, actor=ACTOR)  # 10.0000 x 1/3 = 3.33333... -> 3.3333
    assert first.value == D("3.3333")
    assert pool(site).value == D("6.6667")
    second = services.issue(p, stock, 2, actor=ACTOR)  # the last two take all that is left
    assert second.value == D("6.6667")
    assert pool(site).value == D(0)


def test_fifo_layer_consumption(site):
    p, stock = site.product.pk, site.stock.pk
    r1 = services.receive(p, stock, 10, "2.00", actor=ACTOR)
    r2 = services.receive(p, stock, 5, "3.00", actor=ACTOR)
    r3 = services.receive(p, stock, 8, "4.00", actor=ACTOR)
    # 23 units worth 20 + 15 + 32 = 67.00
    first = services.issue(p, stock, 12, actor=ACTOR)
    # FIFO: all 10 of the first receipt, then 2 of the second
    second = services.issue(p, stock, 5, actor=ACTOR)
    # then the 3 left of the second receipt and 2 of the third

    layers = {layer.receipt_move_id: layer for layer in CostLayer.objects.all()}
    assert {m.pk: layers[m.pk].quantity_remaining for m in (r1, r2, r3)} == {r1.pk: 0, r2.pk: 0, r3.pk: 6}
    taken = sorted(
        (c.move_id, c.layer.receipt_move_id, c.quantity, c.unit_cost)
        for c in CostLayerConsumption.objects.select_related("layer")
    )
    assert taken == [
        (first.pk, r1.pk, D(10), D("2")),
        (first.pk, r2.pk, D(2), D("3")),
        (second.pk, r2.pk, D(3), D("3")),
        (second.pk, r3.pk, D(2), D("4")),
    ]
    # The moves themselves are valued at the moving average, not at the layers' cost:
    # 12 x 67.00 / 23 = 34.956521... -> 34.9565
    assert first.value == D("34.9565")
    assert pool(site).on_hand == sum(layer.quantity_remaining for layer in layers.values())


def test_transfer_between_warehouses_carries_the_average_and_traces_layers(site):
    p = site.product.pk
    r1 = services.receive(p, site.stock.pk, 4, "10.00", actor=ACTOR)
    services.receive(p, site.stock.pk, 4, "20.00", actor=ACTOR)  # 8 units worth 120.00: 15.00 each
    moved = services.transfer(p, site.stock.pk, site.other_stock.pk, 6, actor=ACTOR)

    assert (moved.unit_cost, moved.value) == (D("15"), D("90"))
    assert (pool(site).on_hand, pool(site).value) == (D(2), D("30"))
    there = pool(site, site.other_warehouse)
    assert (there.on_hand, there.on_hand_sellable, there.value, there.average_unit_cost) == (
        D(6),
        D(6),
        D("90"),
        D("15"),
    )
    # one destination layer per source layer consumed, at that layer's cost, pointing back to it
    derived = list(CostLayer.objects.filter(warehouse=site.other_warehouse).order_by("id"))
    assert [(layer.quantity_in, layer.unit_cost, layer.receipt_move_id) for layer in derived] == [
        (D(4), D("10"), moved.pk),
        (D(2), D("20"), moved.pk),
    ]
    assert derived[0].source_layer.receipt_move_id == r1.pk


def test_a_move_inside_a_warehouse_keeps_pool_and_layers_and_respreads_value(site):
    p = site.product.pk
    services.receive(p, site.staging.pk, 4, "2.50", actor=ACTOR)  # 10.00
    services.receive(p, site.stock.pk, 2, "4.00", actor=ACTOR)  # 8.00 -> 6 units, 18.00, 3.00 each
    services.transfer(p, site.staging.pk, site.stock.pk, 3, actor=ACTOR)

    assert (pool(site).on_hand, pool(site).on_hand_sellable, pool(site).value) == (D(6), D(5), D(18))
    assert sorted(CostLayer.objects.values_list("quantity_remaining", flat=True)) == [D(2), D(4)]
    balances = dict(StockBalance.objects.values_list("location_id", "value"))
    # every location carries its goods at the warehouse average: 1 x 3.00 and 5 x 3.00
    assert balances == {site.staging.pk: D(3), site.stock.pk: D(15)}


def test_revaluation_moves_the_average_without_moving_goods(site):
    p = site.product.pk
    services.receive(p, site.stock.pk, 8, "5.00", actor=ACTOR)  # 40.00
    services.revalue(p, site.stock.pk, "6.00", note="freight invoice 118", actor=ACTOR)
    # 46.00 over the same 8 units: 5.75 each
    assert (pool(site).on_hand, pool(site).value, pool(site).average_unit_cost) == (D(8), D(46), D("5.75"))
    services.revalue(p, site.stock.pk, "-2.00", note="rebate", actor=ACTOR)
    assert (pool(site).value, pool(site).average_unit_cost) == (D(44), D("5.5"))
    assert services.check_stock_ledger() == []


@pytest.mark.parametrize(
    ("total", "quantities", "expected"),
    [
        (D("10"), {1: D(1), 2: D(1), 3: D(1)}, {1: D("3.3334"), 2: D("3.3333"), 3: D("3.3333")}),
        (D("0.0002"), {5: D(1), 7: D(2), 9: D(0)}, {5: D("0.0001"), 7: D("0.0001"), 9: D(0)}),
        (D("7"), {1: D(0)}, {1: D(0)}),
        (D("100"), {4: D("2.5"), 8: D("7.5")}, {4: D("25"), 8: D("75")}),
    ],
)
def test_spread_value_sums_exactly_by_largest_remainder(total, quantities, expected):
    shares = spread_value(total, quantities)
    assert shares == expected
    if any(q > 0 for q in quantities.values()):
        assert sum(shares.values()) == total


def test_fifo_refuses_when_layers_are_short():
    layers = [OpenLayer(1, D(2), D(3), received_at=None)]  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="short by 1"):
        consume_fifo(layers, D(4))


def test_receipt_positions_follow_the_goods_through_transfers(site, django_assert_num_queries):
    p = site.product.pk
    r1 = services.receive(p, site.stock.pk, 10, "2.00", actor=ACTOR)
    r2 = services.receive(p, site.stock.pk, 5, "3.00", actor=ACTOR)
    services.transfer(p, site.stock.pk, site.other_stock.pk, 12, actor=ACTOR)  # all of r1, 2 of r2
    services.issue(p, site.other_stock.pk, 3, actor=ACTOR)  # FIFO there: 3 of r1's goods
    w1, w2 = site.warehouse.pk, site.other_warehouse.pk

    with django_assert_num_queries(1):
        positions = services.receipt_positions([r1.pk, r2.pk])

    first, second = positions[r1.pk], positions[r2.pk]
    assert (first.received, dict(first.on_hand), first.consumed) == (D(10), {w2: D(7)}, D(3))
    assert (second.received, dict(second.on_hand), second.consumed) == (D(5), {w1: D(3), w2: D(2)}, D(0))
