"""A tenant for ATP: stock, open purchase orders and sales orders laid out day by day."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.transitions import perform_transition
from nexus.procurement.models import PurchaseOrder, Vendor
from nexus.sales.models import SalesOrder, SalesOrderLine
from nexus.sales.services import confirm_order
from nexus.tenancy.models import Role
from tests.factories.procurement import (
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    VendorFactory,
    VendorProductFactory,
)
from tests.factories.sales import SalesOrderFactory, SalesOrderLineFactory
from tests.nexus.sales.conftest import Site as SalesSite
from tests.nexus.sales.conftest import make_site, member, stock

START = dt.date(2026, 3, 2)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


@dataclass
class AtpSite:
    sales: SalesSite
    vendor: Vendor
    purchaser: User
    seller: User

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sales, name)


def make_atp_site(slug: str = "acme") -> AtpSite:
    sales = make_site(slug)
    with scope.tenant(sales.tenant):
        vendor = VendorFactory.create(code="ACME", name="Acme Supplies")
        VendorProductFactory.create(vendor=vendor, product=sales.bolt, lead_time_days=10, priority=1)
        return AtpSite(
            sales=sales,
            vendor=vendor,
            purchaser=member(sales.tenant, Role.PURCHASER, "buyer@acme.example"),
            seller=member(sales.tenant, Role.SALES, "sales@acme.example"),
        )


@pytest.fixture
def atp_site(db: None) -> Iterator[AtpSite]:
    made = make_atp_site()
    with scope.tenant(made.tenant):
        yield made


def on_hand(site: AtpSite, quantity: str, product: Any = None, location: Any = None) -> None:
    stock(location or site.stock_a, product or site.bolt, quantity, "2.00")


def purchase(
    site: AtpSite, *lines: tuple[int, str], product: Any = None, warehouse: Any = None
) -> PurchaseOrder:
    """A sent purchase order with (day, quantity) lines expected on those days."""
    order = PurchaseOrderFactory.create(vendor=site.vendor, warehouse=warehouse or site.warehouse)
    for n, quantity in lines:
        PurchaseOrderLineFactory.create(
            order=order,
            product=product or site.bolt,
            quantity=Decimal(quantity),
            unit_price=Decimal("2.00"),
            expected_date=day(n),
        )
    sent: PurchaseOrder = perform_transition(order, "send", actor=site.purchaser).instance
    return sent


def sales_order(
    site: AtpSite, *lines: tuple[int, str], product: Any = None, warehouse: Any = None, confirm: bool = True
) -> SalesOrder:
    """A sales order with (day, quantity) lines requested on those days, confirmed unless told not."""
    where = warehouse or site.warehouse
    order = SalesOrderFactory.create(customer=site.customer, warehouse=where)
    for n, quantity in lines:
        SalesOrderLineFactory.create(
            order=order, product=product or site.bolt, quantity=Decimal(quantity), requested_date=day(n)
        )
    if confirm:
        confirm_order(order, actor=site.seller)
    return order


def line_of(order: SalesOrder) -> SalesOrderLine:
    return SalesOrderLine.objects.filter(order=order).order_by("id")[0]
