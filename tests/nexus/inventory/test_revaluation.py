"""Value-only moves in bulk: the rows, figures and events ``post_moves`` writes for revaluations."""

from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core.errors import Conflict, InvalidInput
from nexus.core.models import OutboxEvent
from nexus.inventory import services
from nexus.inventory.models import MoveReason, StockAvailability, StockBalance, StockMove
from nexus.inventory.services import DocumentRef, ValueChange, post_value_moves
from tests.factories.inventory import ProductFactory
from tests.nexus.inventory.conftest import ACTOR

DOCUMENT = DocumentRef("tests.charge", 7)


def _figures(product_id: int) -> tuple[Any, ...]:
    pool = StockAvailability.objects.get(product_id=product_id)
    balances = dict(StockBalance.objects.filter(product_id=product_id).values_list("location_id", "value"))
    return pool.on_hand, pool.value, pool.average_unit_cost, balances


def _adjusted(move_ids: list[int]) -> list[dict[str, object]]:
    events = OutboxEvent.objects.filter(name="inventory.stock_adjusted", payload__move_id__in=move_ids)
    return sorted((e.payload for e in events), key=lambda p: p["move_id"])


def test_a_batch_writes_what_post_moves_writes_for_the_same_revaluations(site):
    bulk, single = ProductFactory.create(sku="BULK-1"), ProductFactory.create(sku="ONE-1")
    for product in (bulk, single):
        services.receive(product.pk, site.stock.pk, 2, "5.00", actor=ACTOR)
        services.receive(product.pk, site.staging.pk, 1, "5.00", actor=ACTOR)

    moved = post_value_moves(
        [ValueChange(bulk.pk, site.stock.pk, D("4.00")), ValueChange(bulk.pk, site.stock.pk, D("-1.0001"))],
        document=DOCUMENT,
        note=" freight ",
        actor=ACTOR,
    )
    expected = services.post_moves(
        [
            services.MoveRequest(
                single.pk,
                MoveReason.REVALUATION,
                to_location_id=site.stock.pk,
                value="4.00",
                document=DOCUMENT,
                note=" freight ",
            ),
            services.MoveRequest(
                single.pk,
                MoveReason.REVALUATION,
                from_location_id=site.stock.pk,
                value="1.0001",
                document=DOCUMENT,
                note=" freight ",
            ),
        ],
        actor=ACTOR,
    )

    assert _figures(bulk.pk)[:3] == _figures(single.pk)[:3] == (D(3), D("17.9999"), D("5.999967"))
    assert sorted(_figures(bulk.pk)[3].values()) == sorted(_figures(single.pk)[3].values())
    columns = (
        "from_location_id",
        "to_location_id",
        "quantity",
        "unit_cost",
        "value",
        "reason",
        "note",
        "document_type",
        "document_id",
        "actor_kind",
        "actor_id",
        "actor_label",
    )
    rows = {m.pk: m for m in StockMove.objects.filter(pk__in=[*moved, *(m.pk for m in expected)])}
    assert [[getattr(rows[pk], c) for c in columns] for pk in moved] == [
        [getattr(rows[m.pk], c) for c in columns] for m in expected
    ]
    bulk_events, single_events = _adjusted(moved), _adjusted([m.pk for m in expected])
    for event in (*bulk_events, *single_events):
        event.pop("move_id"), event.pop("product_id")
    assert bulk_events == single_events
    assert [e["value"] for e in bulk_events] == ["4.00", "-1.0001"]
    assert services.check_stock_ledger() == []


def test_thousands_of_pools_take_the_same_statements_as_one(site):
    def post(count: int) -> int:
        products = ProductFactory.create_batch(count)
        for product in products:
            services.receive(product.pk, site.stock.pk, 1, "1.00", actor=ACTOR)
        changes = [ValueChange(p.pk, site.stock.pk, D("0.50")) for p in products]
        with CaptureQueriesContext(connection) as queries:
            post_value_moves(changes, document=DOCUMENT, note="freight", actor=ACTOR)
        assert set(
            StockAvailability.objects.filter(product__in=products).values_list("value", flat=True)
        ) == {D("1.5")}
        return len(queries.captured_queries)

    assert post(1) == post(30)


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        (D("-9.00"), Conflict, "insufficient_value"),
        (D("0.00001"), InvalidInput, "invalid"),
        (D(0), InvalidInput, "invalid"),
    ],
)
def test_refusals_write_nothing(site, value, error, code):
    services.receive(site.product.pk, site.stock.pk, 1, "5.00", actor=ACTOR)
    before = _figures(site.product.pk), StockMove.objects.count()

    with pytest.raises(error) as raised:
        post_value_moves(
            [
                ValueChange(site.product.pk, site.stock.pk, D("1.00")),
                ValueChange(site.product.pk, site.stock.pk, value),
            ],
            document=DOCUMENT,
            note="freight",
            actor=ACTOR,
        )

    assert raised.value.code == code
    assert (_figures(site.product.pk), StockMove.objects.count()) == before


def test_a_pool_without_goods_and_a_missing_note_are_refused(site):
    with pytest.raises(Conflict, match="There is no BOLT-10 in BER1 to revalue"):
        post_value_moves(
            [ValueChange(site.product.pk, site.stock.pk, D("1.00"))], document=DOCUMENT, note="x", actor=ACTOR
        )
    with pytest.raises(InvalidInput, match="needs a reason"):
        post_value_moves(
            [ValueChange(site.product.pk, site.stock.pk, D("1.00"))], document=DOCUMENT, note=" ", actor=ACTOR
        )
