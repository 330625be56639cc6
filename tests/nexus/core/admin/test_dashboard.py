"""The dashboard: each role's queues from the apps, linked to lists that show the same rows; figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.models import AuditEvent
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import StockAvailability
from nexus.procurement.models import GoodsReceiptStatus, PurchaseOrderStatus
from nexus.sales.models import SalesOrderStatus
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.inventory import ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.factories.procurement import GoodsReceiptFactory, PurchaseOrderFactory
from tests.factories.sales import SalesOrderFactory, SalesOrderLineFactory, ShipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant():
    return TenantFactory.create(slug="acme", name="Acme")


def browser(client: Client, user, tenant=None) -> Client:
    client.force_login(user)
    if tenant is not None:
        session = client.session
        session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
        session.save()
    return client


def work(tenant, size: int) -> None:
    """``size`` rows in every tenant queue: drafts, and confirmed orders with nothing reserved."""
    with scope.tenant(tenant):
        warehouse = WarehouseFactory.create()
        for _ in range(size):
            PurchaseOrderFactory.create(warehouse=warehouse)
            GoodsReceiptFactory.create(purchase_order__warehouse=warehouse)
            SalesOrderFactory.create(warehouse=warehouse)
            confirmed = SalesOrderFactory.create(warehouse=warehouse, status=SalesOrderStatus.CONFIRMED)
            SalesOrderLineFactory.create(order=confirmed)
            ShipmentFactory.create(sales_order=confirmed)


def queues_on(page) -> dict[str, int]:
    return {item.queue.key: item.count for group in page.context["queue_groups"] for item in group["queues"]}


def test_each_role_sees_the_queues_it_may_act_on(client, tenant):
    work(tenant, 2)
    purchaser = MembershipFactory.create(tenant=tenant, role=Role.PURCHASER).user
    sales = MembershipFactory.create(tenant=tenant, role=Role.SALES).user
    admin = MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user

    assert queues_on(browser(Client(), purchaser, tenant).get("/admin/")) == {
        "procurement.orders_to_send": 4,  # the receipts' orders are drafts too
        "procurement.receipts_to_post": 2,
        # Purchasers plan: they approve transfers and follow the overdue ones.
        "supply_chain.transfers_to_approve": 0,
        "supply_chain.transfers_overdue": 0,
        "supply_chain.landed_cost_drafts_from_bills": 0,
        # ... buy dropship goods and review the planning runs.
        "supply_chain.dropship_exceptions": 0,
        "supply_chain.dropship_to_send": 0,
        "supply_chain.replenishment_proposed": 0,
        "supply_chain.balancing_proposed": 0,
    }
    assert queues_on(browser(Client(), sales, tenant).get("/admin/")) == {
        "sales.orders_to_confirm": 2,
        "sales.short_stock_lines": 2,
        "sales.shipments_to_post": 2,
        "supply_chain.staged_goods_waiting": 0,
    }
    assert set(queues_on(browser(client, admin, tenant).get("/admin/"))) == {
        "procurement.orders_to_send",
        "procurement.receipts_to_post",
        "sales.orders_to_confirm",
        "sales.short_stock_lines",
        "sales.shipments_to_post",
        "supply_chain.transfers_to_approve",
        "supply_chain.transfers_in_transit",
        "supply_chain.transfers_overdue",
        "core.failing_deliveries",
        "supply_chain.landed_costs_to_review",
        "supply_chain.landed_cost_drafts_from_bills",
        "supply_chain.rmas_to_approve",
        "supply_chain.rmas_to_receive",
        "supply_chain.rmas_to_inspect",
        "supply_chain.rmas_to_resolve",
        "supply_chain.staged_goods_waiting",
        "supply_chain.dropship_exceptions",
        "supply_chain.dropship_to_send",
        "supply_chain.replenishment_proposed",
        "supply_chain.balancing_proposed",
    }


def test_an_operator_without_a_tenant_sees_the_platform_queues(client):
    operator = UserFactory.create(is_platform_operator=True)
    with scope.system_context("tests: platform events", record=False):
        unsealed = AuditEvent.objects.filter(sealed_at__isnull=True).count()
    record_event("tests.platform_event", actor=ActorRef.system("tests"))

    page = browser(client, operator).get("/admin/")

    assert queues_on(page) == {
        "core.unsealed_audit_events": unsealed + 1,
        "core.failing_deliveries": 0,
        "notifications.failed": 0,
    }
    assert page.context["daily_charts"] == []


def test_each_count_links_to_a_list_showing_the_same_rows(client, tenant):
    work(tenant, 3)
    admin = MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user
    browser(client, admin, tenant)

    page = client.get("/admin/")

    for group in page.context["queue_groups"]:
        for item in group["queues"]:
            listing = client.get(item.url)
            assert listing.status_code == 200, item.queue.key
            if item.queue.key == "sales.short_stock_lines":  # lines, listed by their orders
                assert listing.context["cl"].result_count == 3
            else:
                assert listing.context["cl"].result_count == item.count, item.queue.key


def test_the_dashboard_costs_the_same_queries_for_few_rows_or_many(client, tenant):
    admin = MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user
    browser(client, admin, tenant)
    work(tenant, 1)
    client.get("/admin/")

    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    work(tenant, 15)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/admin/")

    assert queues_on(page)["sales.orders_to_confirm"] == 16
    assert len(many) == len(few)


def test_figures_count_per_day_and_value_stock_per_warehouse(client, tenant):
    admin = MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user
    today = timezone.localdate()
    with scope.tenant(tenant):
        north = WarehouseFactory.create(code="NORTH")
        south = WarehouseFactory.create(code="SOUTH")
        SalesOrderFactory.create(order_date=today, warehouse=north)
        SalesOrderFactory.create(order_date=today - dt.timedelta(days=2), warehouse=north)
        SalesOrderFactory.create(order_date=today - dt.timedelta(days=40), warehouse=north)
        SalesOrderFactory.create(order_date=today, warehouse=north, status=SalesOrderStatus.CANCELLED)
        GoodsReceiptFactory.create(
            purchase_order__warehouse=north, status=GoodsReceiptStatus.POSTED, received_at=timezone.now()
        )
        PurchaseOrderFactory.create(warehouse=north, status=PurchaseOrderStatus.SENT)
        for warehouse, value in ((north, "300.00"), (south, "100.00")):
            StockAvailability.objects.create(
                product=ProductFactory.create(), warehouse=warehouse, on_hand=Decimal(3), value=Decimal(value)
            )

    page = browser(client, admin, tenant).get("/admin/")

    charts = {chart["key"]: chart for chart in page.context["daily_charts"]}
    assert (charts["sales.orders_per_day"]["total"], charts["sales.orders_per_day"]["today"]) == (2, 1)
    assert (
        charts["procurement.receipts_per_day"]["total"],
        charts["procurement.receipts_per_day"]["today"],
    ) == (1, 1)
    [stock] = page.context["breakdowns"]
    assert (stock["total"], stock["unit"]) == (Decimal("400.00"), "USD")
    assert [(row["label"], row["amount"], row["bar"], row["share"]) for row in stock["rows"]] == [
        ("NORTH", Decimal("300.00"), 100, 75),
        ("SOUTH", Decimal("100.00"), 33, 25),
    ]
    assert 'data-type="bar"' in page.content.decode()
