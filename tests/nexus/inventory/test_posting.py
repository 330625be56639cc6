"""Posting moves: what each kind of move changes, and that a refused move changes nothing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.errors import Conflict, InvalidInput
from nexus.core.models import AuditEvent, OutboxEvent
from nexus.inventory import services
from nexus.inventory.models import (
    CostLayer,
    LocationKind,
    MoveReason,
    StockAvailability,
    StockBalance,
    StockMove,
    WarehouseKind,
)
from nexus.inventory.services import DocumentRef, MoveRequest, ReservationRequest
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.nexus.inventory.conftest import ACTOR, make_site

D = Decimal
TODAY = __import__("datetime").date(2026, 12, 1)


def snapshot() -> tuple:
    """Everything a move can change, to prove a refused one changed nothing."""
    return (
        list(StockMove.objects.order_by("id").values_list("id", flat=True)),
        list(
            StockAvailability.objects.order_by("id").values_list(
                "on_hand_sellable", "reserved", "on_hand", "value"
            )
        ),
        list(StockBalance.objects.order_by("id").values_list("location_id", "on_hand", "value")),
        list(CostLayer.objects.order_by("id").values_list("quantity_remaining", flat=True)),
        OutboxEvent.objects.count(),
    )


@pytest.fixture
def stocked(site):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    return site


def test_taking_more_than_a_location_holds_is_refused_and_changes_nothing(stocked):
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        services.issue(stocked.product.pk, stocked.stock.pk, 11, actor=ACTOR)
    assert refused.value.code == "insufficient_stock"
    assert refused.value.detail == "Cannot take 11 pcs of BOLT-10 from BER1/STOCK: only 10 pcs on hand there."
    assert snapshot() == before


def test_stock_reserved_for_others_cannot_leave(stocked):
    p = stocked.product.pk
    services.reserve(
        ReservationRequest(p, stocked.warehouse.pk, 8, TODAY, stocked.line),
        actor=ACTOR,
    )
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        services.issue(p, stocked.stock.pk, 3, actor=ACTOR)
    assert refused.value.code == "stock_reserved"
    assert refused.value.detail == (
        "Cannot take 3 pcs of BOLT-10 from BER1/STOCK: BER1 has 10 sellable of which 8 reserved, "
        "so at most 2 can leave."
    )
    # moving it to quality hold would take it out of sellable stock too
    with pytest.raises(Conflict):
        services.transfer(p, stocked.stock.pk, stocked.hold.pk, 3, actor=ACTOR)
    assert snapshot() == before
    services.issue(p, stocked.stock.pk, 2, actor=ACTOR)
    assert StockAvailability.objects.get().on_hand_sellable == D(8)


def test_a_batch_is_posted_all_or_nothing(stocked):
    p = stocked.product.pk
    before = snapshot()
    with pytest.raises(Conflict):
        services.post_moves(
            [
                MoveRequest(p, MoveReason.RECEIPT, 5, to_location_id=stocked.stock.pk, unit_cost="1"),
                MoveRequest(p, MoveReason.ISSUE, 16, from_location_id=stocked.stock.pk),
            ],
            actor=ACTOR,
        )
    assert snapshot() == before


def test_a_batch_sees_its_own_earlier_moves(site):
    p = site.product.pk
    moves = services.post_moves(
        [
            MoveRequest(p, MoveReason.RECEIPT, 5, to_location_id=site.stock.pk, unit_cost="3"),
            MoveRequest(
                p,
                MoveReason.TRANSFER_OUT,
                4,
                from_location_id=site.stock.pk,
                to_location_id=site.other_stock.pk,
            ),
            MoveRequest(p, MoveReason.ISSUE, 1, from_location_id=site.other_stock.pk),
        ],
        actor=ACTOR,
    )
    assert [m.value for m in moves] == [D(15), D(12), D(3)]
    derived = CostLayer.objects.get(warehouse=site.other_warehouse)
    assert (derived.quantity_in, derived.quantity_remaining, derived.source_layer.receipt_move_id) == (
        D(4),
        D(3),
        moves[0].pk,
    )
    assert services.check_stock_ledger() == []


def test_posting_a_batch_takes_a_constant_number_of_queries_its_events_included(site):
    products = [ProductFactory.create() for _ in range(20)]

    def receipt(product_ids):
        requests = [
            MoveRequest(pid, MoveReason.RECEIPT, 3, to_location_id=site.stock.pk, unit_cost="1.5")
            for pid in product_ids
        ]
        with CaptureQueriesContext(connection) as queries:
            services.post_moves(requests, actor=ACTOR)
        events = [
            q for q in queries.captured_queries if "core_outboxevent" in q["sql"] and "INSERT" in q["sql"]
        ]
        assert len(events) == 1  # one insert for the batch's events
        assert OutboxEvent.objects.filter(name="inventory.stock_received").count() >= len(product_ids)
        return len(queries.captured_queries)

    assert receipt([products[0].pk]) == receipt([p.pk for p in products[1:]])


@pytest.mark.parametrize(
    ("request_kwargs", "field", "message"),
    [
        (
            {"reason": MoveReason.RECEIPT, "quantity": 1},
            "unit_cost",
            "A receipt of BOLT-10 needs a unit cost.",
        ),
        (
            {"reason": MoveReason.RECEIPT, "quantity": "1.5", "unit_cost": 1},
            "quantity",
            "quantity 1.5 is finer than the unit 'pcs' allows (whole numbers).",
        ),
        (
            {"reason": MoveReason.RECEIPT, "quantity": 0, "unit_cost": 1},
            "quantity",
            "quantity must be greater than zero.",
        ),
        (
            {"reason": MoveReason.RECEIPT, "quantity": 1, "unit_cost": "-1"},
            "unit_cost",
            "unit_cost cannot be negative.",
        ),
        (
            {"reason": MoveReason.RECEIPT, "quantity": 1, "unit_cost": "0.0000001"},
            "unit_cost",
            "unit_cost 1E-7 has more than 6 decimal places.",
        ),
        (
            {"reason": MoveReason.ADJUSTMENT, "quantity": 1, "unit_cost": 1},
            "note",
            "Say why: an adjustment or a revaluation needs a reason.",
        ),
    ],
)
def test_malformed_receipts_are_refused_with_field_errors(site, request_kwargs, field, message):
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        services.post_move(
            MoveRequest(site.product.pk, to_location_id=site.stock.pk, **request_kwargs), actor=ACTOR
        )
    assert refused.value.detail == message
    assert list(refused.value.fields) == [field]
    assert snapshot() == before


def test_the_sides_of_a_move_must_match_its_reason(site):
    with pytest.raises(InvalidInput, match="A receipt takes no from location"):
        services.post_move(
            MoveRequest(site.product.pk, MoveReason.RECEIPT, 1, site.staging.pk, site.stock.pk, unit_cost=1),
            actor=ACTOR,
        )
    with pytest.raises(InvalidInput, match="A transfer_out needs to location"):
        services.post_move(
            MoveRequest(site.product.pk, MoveReason.TRANSFER_OUT, 1, site.stock.pk), actor=ACTOR
        )
    with pytest.raises(InvalidInput, match="two different locations"):
        services.transfer(site.product.pk, site.stock.pk, site.stock.pk, 1, actor=ACTOR)


def test_fractional_units_are_accepted_to_their_precision(site):
    cable = ProductFactory.create(sku="CABLE", unit="m", unit_decimals=2)
    move = services.receive(cable.pk, site.stock.pk, "12.25", "0.80", actor=ACTOR)
    assert (move.quantity, move.value) == (D("12.25"), D("9.8"))
    with pytest.raises(InvalidInput, match="at most 2 decimal places"):
        services.issue(cable.pk, site.stock.pk, "0.125", actor=ACTOR)


def test_dropship_warehouses_and_inactive_things_take_no_stock(site):
    virtual = WarehouseFactory.create(code="DS", kind=WarehouseKind.DROPSHIP)
    nowhere = LocationFactory.create(warehouse=virtual, code="VIRTUAL")
    with pytest.raises(InvalidInput, match="dropship warehouse DS: it holds no stock"):
        services.receive(site.product.pk, nowhere.pk, 1, 1, actor=ACTOR)
    closed = LocationFactory.create(warehouse=site.warehouse, code="OLD", active=False)
    with pytest.raises(InvalidInput, match="BER1/OLD is inactive"):
        services.receive(site.product.pk, closed.pk, 1, 1, actor=ACTOR)
    retired = ProductFactory.create(sku="RETIRED", active=False)
    with pytest.raises(InvalidInput, match="RETIRED is inactive"):
        services.receive(retired.pk, site.stock.pk, 1, 1, actor=ACTOR)


def test_another_tenants_product_or_location_does_not_exist_here(site):
    other = make_site("globex")
    with pytest.raises(InvalidInput, match=f"Product {other.product.pk} does not exist"):
        services.receive(other.product.pk, site.stock.pk, 1, 1, actor=ACTOR)
    with pytest.raises(InvalidInput, match=f"Location {other.stock.pk} does not exist"):
        services.receive(site.product.pk, other.stock.pk, 1, 1, actor=ACTOR)
    with scope.tenant(other.tenant):
        assert StockMove.objects.count() == 0


def test_adjustments_up_at_the_average_or_a_given_cost_and_down_at_the_average(stocked):
    p = stocked.product.pk
    up = services.adjust(p, stocked.hold.pk, 2, note="found in QC", actor=ACTOR)  # at the average 2.00
    assert (up.reason, up.to_location_id, up.unit_cost, up.value) == (
        MoveReason.ADJUSTMENT,
        stocked.hold.pk,
        D(2),
        D(4),
    )
    priced = services.adjust(p, stocked.stock.pk, 3, note="count", unit_cost="4.00", actor=ACTOR)
    assert priced.value == D(12)  # 15 units worth 20 + 4 + 12 = 36.00: 2.40 each
    down = services.adjust(p, stocked.stock.pk, -5, note="damaged", actor=ACTOR)
    assert (down.from_location_id, down.quantity, down.value) == (stocked.stock.pk, D(5), D(12))
    audit = AuditEvent.objects.filter(action="inventory.stock_adjusted").order_by("id").last()
    assert audit.data == {
        "product_id": p,
        "location_id": stocked.stock.pk,
        "quantity": "-5",
        "value": "-12.0000",
        "note": "damaged",
    }
    assert services.check_stock_ledger() == []


def test_an_adjustment_up_with_no_stock_needs_a_cost(site):
    with pytest.raises(InvalidInput, match="no BOLT-10 in this warehouse to take an average cost from"):
        services.adjust(site.product.pk, site.stock.pk, 1, note="found", actor=ACTOR)
    with pytest.raises(InvalidInput, match="takes no unit cost"):
        services.adjust(site.product.pk, site.stock.pk, -1, note="lost", unit_cost=1, actor=ACTOR)


def test_removing_more_value_than_there_is_is_refused(stocked):
    with pytest.raises(Conflict, match=r"its stock there is worth 20\.0000"):
        services.revalue(stocked.product.pk, stocked.stock.pk, "-20.01", note="rebate", actor=ACTOR)


def test_each_move_publishes_its_event(site):
    p = site.product.pk
    receipt = services.receive(
        p, site.stock.pk, 4, "2.50", actor=ACTOR, document=DocumentRef("procurement.goodsreceipt", 7, 70)
    )
    moved = services.transfer(p, site.stock.pk, site.other_stock.pk, 1, actor=ACTOR)
    issued = services.issue(p, site.stock.pk, 1, reason=MoveReason.SHIPMENT, actor=ACTOR)
    adjusted = services.adjust(p, site.stock.pk, -1, note="broken", actor=ACTOR)
    events = {e.payload["move_id"]: (e.name, e.payload) for e in OutboxEvent.objects.all()}
    assert events[receipt.pk] == (
        "inventory.stock_received",
        {
            "move_id": receipt.pk,
            "product_id": p,
            "reason": "receipt",
            "warehouse_id": site.warehouse.pk,
            "location_id": site.stock.pk,
            "quantity": "4.0000",
            "unit_cost": "2.500000",
            "value": "10.0000",
            "document_type": "procurement.goodsreceipt",
            "document_id": 7,
            "schema_version": 1,
        },
    )
    assert events[moved.pk][0] == "inventory.stock_transferred"
    assert events[moved.pk][1]["to_warehouse_id"] == site.other_warehouse.pk
    assert events[issued.pk][0] == "inventory.stock_issued"
    assert events[issued.pk][1]["reason"] == "shipment"
    assert events[adjusted.pk][0] == "inventory.stock_adjusted"
    assert (events[adjusted.pk][1]["quantity"], events[adjusted.pk][1]["value"]) == ("-1.0000", "-2.5000")


def test_moves_record_their_document_and_actor(site):
    move = services.receive(
        site.product.pk,
        site.stock.pk,
        1,
        1,
        actor=ACTOR,
        document=DocumentRef("procurement.goodsreceipt", 3, 9),
    )
    move.refresh_from_db()
    assert (move.document_type, move.document_id, move.document_line_id) == ("procurement.goodsreceipt", 3, 9)
    assert (move.actor_kind, move.actor_label) == ("system", "tests")


def test_scrap_leaves_or_moves_to_a_scrap_location(stocked):
    scrap = LocationFactory.create(warehouse=stocked.warehouse, code="SCRAP", kind=LocationKind.SCRAP)
    services.transfer(stocked.product.pk, stocked.stock.pk, scrap.pk, 2, reason=MoveReason.SCRAP, actor=ACTOR)
    services.issue(stocked.product.pk, scrap.pk, 2, reason=MoveReason.SCRAP, actor=ACTOR)
    pool = StockAvailability.objects.get()
    assert (pool.on_hand, pool.on_hand_sellable, pool.value) == (D(8), D(8), D(16))
