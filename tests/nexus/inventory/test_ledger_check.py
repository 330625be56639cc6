"""check_stock_ledger names the first difference; rebuild_stock_balances restores the balances."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from nexus.inventory import services
from nexus.inventory.models import CostLayer, Reservation, StockAvailability, StockBalance
from nexus.inventory.services import Difference, ReservationRequest
from tests.nexus.inventory.conftest import ACTOR, make_site

D = Decimal


@pytest.fixture
def busy(site):
    p = site.product.pk
    services.receive(p, site.stock.pk, 10, "2.00", actor=ACTOR)
    services.receive(p, site.staging.pk, 6, "3.00", actor=ACTOR)
    services.transfer(p, site.stock.pk, site.other_stock.pk, 4, actor=ACTOR)
    services.issue(p, site.stock.pk, 1, actor=ACTOR)
    services.revalue(p, site.staging.pk, "1.20", note="freight", actor=ACTOR)
    services.reserve(
        ReservationRequest(p, site.warehouse.pk, 3, dt.date(2026, 12, 1), site.line),
        actor=ACTOR,
    )
    return site


def test_a_consistent_ledger_has_no_differences(busy):
    assert services.check_stock_ledger() == []


def test_a_tampered_balance_is_named(busy):
    StockBalance.objects.filter(location=busy.staging).update(on_hand=D(5))
    assert services.check_stock_ledger()[0] == Difference(
        "balance on hand", f"product {busy.product.pk} at location {busy.staging.pk}", D(6), D(5)
    )


def test_tampered_availability_layers_and_reservations_are_named(busy):
    p, w = busy.product.pk, busy.warehouse.pk
    StockAvailability.objects.filter(warehouse=busy.warehouse).update(value=D("99"))
    CostLayer.objects.filter(warehouse=busy.other_warehouse).update(quantity_remaining=D(1))
    Reservation.objects.update(quantity=D(2))
    found = {(d.check, d.where) for d in services.check_stock_ledger()}
    assert found >= {
        ("availability stock value", f"product {p} in warehouse {w}"),
        ("availability reserved", f"product {p} in warehouse {w}"),
        ("cost layers on hand", f"product {p} in warehouse {busy.other_warehouse.pk}"),
    }


def test_rebuild_restores_what_the_ledger_says(busy):
    before = (
        list(StockAvailability.objects.order_by("id").values_list()),
        list(StockBalance.objects.order_by("id").values_list("on_hand", "value")),
    )
    StockBalance.objects.update(on_hand=D(0), value=D(0))
    StockAvailability.objects.update(on_hand_sellable=D(50), reserved=D(0), on_hand=D(50), value=D(1))
    CostLayer.objects.update(quantity_remaining=D(0))
    assert services.check_stock_ledger()
    progress: list[tuple[int, int]] = []
    written = services.rebuild_stock_balances(progress=lambda done, total: progress.append((done, total)))
    assert services.check_stock_ledger() == []
    after = (
        list(StockAvailability.objects.order_by("id").values_list()),
        list(StockBalance.objects.order_by("id").values_list("on_hand", "value")),
    )
    assert [row[:-1] for row in after[0]] == [row[:-1] for row in before[0]]  # all but updated_at
    assert after[1] == before[1]
    assert progress[-1] == (written, written)


def test_the_check_command_exits_non_zero_naming_the_first_difference(busy):
    make_site("globex")
    StockBalance.objects.filter(location=busy.staging).update(on_hand=D(5))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="disagrees with its balances in 1 of 2 tenant") as failed:
        call_command("check_stock_ledger", stdout=out, stderr=err)
    assert failed.value.returncode == 1
    assert err.getvalue().splitlines()[0] == (
        f"acme: balance on hand — product {busy.product.pk} at location {busy.staging.pk}: "
        "the ledger says 6, stored 5"
    )
    assert "globex: the stock ledger and its balances agree." in out.getvalue()
    call_command("check_stock_ledger", "--tenant", "globex", stdout=StringIO())


def test_the_rebuild_command_fixes_one_named_tenant(busy):
    StockBalance.objects.filter(location=busy.staging).update(on_hand=D(5))
    out = StringIO()
    call_command("rebuild_stock_balances", "--tenant", "acme", stdout=out)
    assert "acme: " in out.getvalue()
    assert "row(s) rebuilt from the ledger." in out.getvalue()
    call_command("check_stock_ledger", "--tenant", "acme", stdout=StringIO())


@pytest.mark.django_db
def test_an_unknown_tenant_is_an_error():
    with pytest.raises(CommandError, match="no tenant with the slug 'nope'"):
        call_command("check_stock_ledger", "--tenant", "nope")


def test_a_layer_that_lost_its_origin_is_named(busy):
    derived = CostLayer.objects.get(source_layer__isnull=False)
    other_move = (
        CostLayer.objects.exclude(pk=derived.source_layer_id).filter(source_layer__isnull=True).first()
    )
    CostLayer.objects.filter(pk=derived.pk).update(origin_move=other_move.receipt_move)
    assert services.check_stock_ledger() == [
        Difference(
            "layer origin",
            f"cost layer #{derived.pk}",
            "its source's origin",
            f"move #{other_move.receipt_move_id}",
        )
    ]


def test_the_migration_backfills_origins_along_transfer_chains(busy):
    import importlib

    from django.db import connection

    migration = importlib.import_module("nexus.inventory.migrations.0003_costlayer_origin_move")
    derived = CostLayer.objects.get(source_layer__isnull=False)
    CostLayer.objects.update(origin_move=F("receipt_move"))  # as if every layer were its own origin
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert CostLayer.objects.get(pk=derived.pk).origin_move_id == derived.source_layer.receipt_move_id
    assert services.check_stock_ledger() == []
