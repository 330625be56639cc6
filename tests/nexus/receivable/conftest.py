"""A tenant with a customer, a confirmed sales order, and people who draft and issue credit notes."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.sales.models import Customer, SalesOrder, SalesOrderLine
from nexus.tenancy.models import Role, Tenant
from tests.factories.inventory import ProductFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.factories.sales import CustomerFactory, SalesOrderFactory, SalesOrderLineFactory


@pytest.fixture
def tenant(db: None) -> Iterator[Tenant]:
    made = TenantFactory.create(slug="acme", name="Acme")
    with scope.tenant(made):
        yield made


@pytest.fixture
def customer(tenant: Tenant) -> Customer:
    return CustomerFactory.create(code="HANSA")


@pytest.fixture
def order(customer: Customer) -> SalesOrder:
    """SO with BOLT 10 at 25.00 less 10% (net 22.50) and NUT 4 at 0.35."""
    made = SalesOrderFactory.create(customer=customer)
    for sku, quantity, price, discount in (("BOLT-10", "10", "25", "10"), ("NUT-10", "4", "0.35", "0")):
        SalesOrderLineFactory.create(
            order=made,
            product=ProductFactory.create(sku=sku),
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            discount_percent=Decimal(discount),
            requested_date=dt.date(2026, 6, 10),
        )
    return made


def lines_of(order: SalesOrder) -> list[SalesOrderLine]:
    return list(order.lines.order_by("id"))


def member(tenant: Tenant, role: str, email: str) -> User:
    return MembershipFactory.create(tenant=tenant, role=role, user__email=email).user


@pytest.fixture
def accountant(tenant: Tenant) -> User:
    return member(tenant, Role.ACCOUNTANT, "books@acme.example")


@pytest.fixture
def seller(tenant: Tenant) -> User:
    return member(tenant, Role.SALES, "sales@acme.example")
