"""The demo's supply-chain history: believable, consistent with the ledger, and loaded once."""

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.core import scope
from nexus.core.audit.verification import verify_chain
from nexus.core.exchange_rates import ExchangeRates
from nexus.core.models import AuditEvent, ExchangeRate, OutboxEvent, TransitionLog
from nexus.core.money import Money
from nexus.core.sequences import next_number
from nexus.demo.loaders import load_history
from nexus.inventory.models import (
    OPEN_STATES,
    CostLayer,
    Location,
    Product,
    Reservation,
    StockAvailability,
    StockMove,
    Warehouse,
)
from nexus.inventory.services import check_stock_ledger
from nexus.procurement.models import (
    GoodsReceipt,
    PurchaseOrder,
    PurchaseOrderLine,
    Requisition,
    VendorBill,
    VendorProduct,
)
from nexus.receivable.models import CreditNote
from nexus.sales.models import OPEN_SALES_STATES, Customer, SalesOrder, SalesOrderLine, Shipment
from nexus.sales.services import supply_demand as sales_supply_demand
from tests.factories.people import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(db):
    return TenantFactory.create(slug="demo", name="Demo Trading Co")


def counts() -> dict[str, int]:
    models = (
        Warehouse,
        Product,
        VendorProduct,
        Customer,
        PurchaseOrder,
        GoodsReceipt,
        SalesOrder,
        Shipment,
        StockMove,
        CostLayer,
        Reservation,
        VendorBill,
        CreditNote,
        OutboxEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.smoke
def test_the_small_history_leaves_the_ledger_clean_and_loads_once(tenant):
    out = io.StringIO()

    first = load_history(tenant, size="small", out=out)
    with scope.tenant(tenant):
        loaded = counts()
        differences = check_stock_ledger()
    again = load_history(tenant, size="small", out=io.StringIO())

    assert first.created
    assert not again.created
    assert differences == []
    with scope.tenant(tenant):
        assert counts() == loaded
    assert loaded["StockMove"] == first.stock_moves > 100
    assert "100%  done" in out.getvalue()


def test_the_history_is_deterministic(tenant):
    other = TenantFactory.create(slug="demo-copy")

    load_history(tenant, size="small", out=io.StringIO())
    load_history(other, size="small", out=io.StringIO())

    def shape(t):
        with scope.tenant(t):
            return (
                counts(),
                list(SalesOrder.objects.order_by("number").values_list("number", "status", "order_date")),
                list(StockMove.objects.order_by("occurred_at", "id").values_list("quantity", "value")),
            )

    assert shape(tenant) == shape(other)


@pytest.fixture
def demo(tenant):
    load_history(tenant, size="small", out=io.StringIO())
    with scope.tenant(tenant):
        yield tenant


def test_sites_products_and_parties_are_complete(demo):
    warehouses = Warehouse.objects.exclude(code="DROP")
    assert list(warehouses.values_list("code", "city")) == [("CHI1", "Chicago"), ("EWR1", "Newark")]
    assert not warehouses.filter(latitude__isnull=True).exists()
    assert Location.objects.filter(warehouse__in=warehouses, kind="stock").count() == 4
    assert not Product.objects.filter(unit_weight__isnull=True).exists()
    assert not Product.objects.filter(unit_volume__isnull=True).exists()
    assert not Customer.objects.filter(latitude__isnull=True).exists()
    assert set(VendorProduct.objects.filter(priority=1).values_list("product_id", flat=True)) == set(
        Product.objects.values_list("id", flat=True)
    )


def test_documents_tell_a_consistent_story(demo):
    today = timezone.localdate()
    # Received quantities on orders are what their posted receipts brought.
    for line in PurchaseOrderLine.objects.prefetch_related("receipt_lines__receipt"):
        posted = sum(
            (r.quantity for r in line.receipt_lines.all() if r.receipt.status == "posted"), Decimal(0)
        )
        assert line.received_quantity == posted
    # Every posted receipt line carries the move that brought its goods in, at its cost.
    for receipt in GoodsReceipt.objects.filter(status="posted").prefetch_related("lines__stock_move"):
        for line in receipt.lines.all():
            assert (line.stock_move.quantity, line.stock_move.unit_cost) == (line.quantity, line.unit_cost)
    # Shipped quantities are what the shipments took; nothing ships more than was ordered.
    for line in SalesOrderLine.objects.prefetch_related("shipment_lines"):
        assert line.shipped_quantity == sum((s.quantity for s in line.shipment_lines.all()), Decimal(0))
        assert line.shipped_quantity <= line.quantity
    # Open orders still to ship later than today are demand; their reservations never exceed stock.
    for row in StockAvailability.objects.all():
        assert row.reserved <= row.on_hand_sellable
    held = Reservation.objects.filter(state__in=OPEN_STATES)
    assert held.exists()
    assert not held.exclude(
        source_id__in=SalesOrderLine.objects.filter(order__status__in=OPEN_SALES_STATES)
    ).exists()
    assert PurchaseOrder.objects.filter(
        status="sent", lines__expected_date__gte=today - dt.timedelta(days=14)
    ).exists()
    assert (
        sales_supply_demand(
            Product.objects.values_list("id", flat=True),
            Warehouse.objects.values_list("id", flat=True),
            today,
            today + dt.timedelta(days=30),
        )
        is not None
    )


def test_events_are_historical_and_never_dispatched(demo):
    events = OutboxEvent.objects.all()

    assert (
        events.filter(name="procurement.goods_received").count()
        == GoodsReceipt.objects.filter(status="posted").count()
    )
    assert (
        events.filter(name="sales.order_confirmed").count()
        == SalesOrder.objects.exclude(status="draft").count()
    )
    assert not events.filter(historical=False).exists()
    assert not events.filter(enqueued_at__isnull=True).exists()


def test_numbers_continue_after_the_loaded_documents(demo):
    last = (
        SalesOrder.objects.filter(number__startswith=f"SO-{timezone.localdate().year}-")
        .order_by("-number")
        .first()
    )
    assert last is not None

    following = next_number("SO")

    assert int(following.rsplit("-", 1)[1]) == int(last.number.rsplit("-", 1)[1]) + 1


def test_the_tenant_has_a_year_of_daily_eur_and_cad_rates_up_to_today(demo):
    today = timezone.localdate()
    rates = ExchangeRates.for_current_tenant()

    for currency in ("EUR", "CAD"):
        days = list(
            ExchangeRate.objects.filter(currency_id=currency).order_by("date").values_list("date", flat=True)
        )
        assert days[-1] == today
        assert days[0] <= today - dt.timedelta(days=365)
        assert len(days) == (today - days[0]).days + 1  # every day, none twice
    assert set(ExchangeRate.objects.values_list("currency_id", flat=True)) == {"EUR", "CAD"}
    assert Decimal("1.0") < rates.rate("EUR", today) < Decimal("1.2")
    assert Money("100.00", "EUR").convert("USD", on=today, rates=rates) == Money(
        (100 * rates.rate("EUR", today)).quantize(Decimal("0.01")), "USD"
    )


DOCUMENTS = (PurchaseOrder, GoodsReceipt, SalesOrder, Shipment, VendorBill, Requisition, CreditNote)


def test_every_document_has_the_transitions_that_led_to_its_status(demo):
    for model in DOCUMENTS:
        paths: dict[str, list[tuple[str, str]]] = defaultdict(list)
        logs = TransitionLog.objects.filter(object_type=model._meta.label_lower).order_by("occurred_at", "id")
        for object_id, from_state, to_state in logs.values_list("object_id", "from_state", "to_state"):
            paths[object_id].append((from_state, to_state))
        for pk, status in model.objects.values_list("pk", "status"):
            path = paths.pop(str(pk), [])
            states = ["draft", *(to_state for _, to_state in path)]
            assert [from_state for from_state, _ in path] == states[:-1], (model.__name__, pk, path)
            assert states[-1] == status, (model.__name__, pk, path)
        assert paths == {}  # no log of a document that is not there
    assert TransitionLog.objects.filter(occurred_at__gt=timezone.now()).count() == 0


def test_an_old_purchase_order_shows_how_it_got_to_sent_and_on(demo):
    order = PurchaseOrder.objects.filter(status="closed").order_by("order_date", "id").first()
    assert order is not None
    receipt = order.receipts.get()

    steps = list(
        TransitionLog.objects.filter(object_type="procurement.purchaseorder", object_id=str(order.pk))
        .order_by("occurred_at", "id")
        .values_list("transition", "from_state", "to_state", "occurred_at", "actor_label")
    )

    assert steps == [
        ("send", "draft", "sent", order.sent_at, "manage.py load_demo"),
        ("record_full_receipt", "sent", "received", receipt.received_at, "manage.py load_demo"),
        ("close", "received", "closed", receipt.received_at + dt.timedelta(days=45), "manage.py load_demo"),
    ]
    assert list(
        TransitionLog.objects.filter(
            object_type="procurement.goodsreceipt", object_id=str(receipt.pk)
        ).values_list("transition", "from_state", "to_state", "occurred_at")
    ) == [("post", "draft", "posted", receipt.received_at)]


def test_the_history_is_audited_sealed_and_verifies(demo):
    verification = verify_chain(demo.pk)

    assert verification.broken is None
    assert verification.unsealed == 0
    assert verification.verified == AuditEvent.objects.count()
    logged = TransitionLog.objects.count()
    audited = AuditEvent.objects.filter(data__has_key="transition_log_id")
    assert audited.count() == logged > 300
    assert audited.filter(action="procurement.purchaseorder.send").count() == PurchaseOrder.objects.count()
    oldest = audited.order_by("occurred_at", "id").first()
    assert oldest is not None
    assert oldest.occurred_at.date() < timezone.localdate() - dt.timedelta(days=60)
