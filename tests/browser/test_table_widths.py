"""Wide admin tables fit a 1440 px screen: a draft sales order's lines and the stock ledger."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory import services
from tests.factories.sales import CustomerFactory, SalesOrderFactory, SalesOrderLineFactory

from .conftest import sign_in
from .test_admin_flows import Shop, shop  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

OVERFLOW = """selector => {
    const table = document.querySelector(selector);
    return [table.scrollWidth, table.parentElement.clientWidth];
}"""


def test_a_draft_sales_orders_lines_and_the_stock_ledger_fit_1440_px(screen, live_server, shop):  # noqa: F811
    with scope.tenant(shop.tenant):
        order = SalesOrderFactory.create(customer=CustomerFactory.create(), warehouse=shop.warehouse)
        for _ in range(2):
            SalesOrderLineFactory.create(
                order=order, product=shop.bolt, quantity=Decimal("12.5"), requested_date=dt.date(2026, 6, 1)
            )
        actor = ActorRef.system("browser test: stock")
        services.receive(shop.bolt.pk, shop.stock.pk, Decimal(500), Decimal("1234.567891"), actor=actor)
    sign_in(screen, live_server, shop.ana, shop.tenant)

    screen.goto(f"{live_server.url}/admin/sales/salesorder/{order.pk}/change/")
    lines_width, lines_box = screen.evaluate(OVERFLOW, "#lines-group table")
    screen.goto(f"{live_server.url}/admin/inventory/stockmove/")
    ledger_width, ledger_box = screen.evaluate(OVERFLOW, "#result_list")

    assert lines_width <= lines_box, (lines_width, lines_box)
    assert ledger_width <= ledger_box, (ledger_width, ledger_box)
