"""A tenant with two warehouses, products, a vendor and people in the supply-chain duties."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.procurement.models import GoodsReceipt
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Role
from tests.nexus.procurement.conftest import Site, make_site, member
from tests.nexus.procurement.helpers import sent_order

SYSTEM = ActorRef.system("tests")


@pytest.fixture
def site(db: None) -> Iterator[Site]:
    made = make_site()
    with scope.tenant(made.tenant):
        yield made


@pytest.fixture
def purchaser(site: Site) -> User:
    return member(site.tenant, Role.PURCHASER, "buyer@acme.example")


@pytest.fixture
def clerk(site: Site) -> User:
    return member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")


@pytest.fixture
def accountant(site: Site) -> User:
    return member(site.tenant, Role.ACCOUNTANT, "books@acme.example")


def received(site: Site, purchaser: User, clerk: User, *lines: tuple[Any, str, str]) -> GoodsReceipt:
    """A posted goods receipt of (product, quantity, unit price) lines into the site's warehouse."""
    order = sent_order(site, purchaser, *lines)
    posted: GoodsReceipt = post_receipt(draft_receipt(order), actor=clerk).instance
    return posted


def dec(value: str) -> Decimal:
    return Decimal(value)
