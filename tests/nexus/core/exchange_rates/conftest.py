"""A tenant keeping its books in USD, selected for the test, and a way to give it rates."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.models import ExchangeRate
from nexus.tenancy.models import Tenant
from tests.factories.core import ExchangeRateFactory
from tests.factories.people import TenantFactory


@pytest.fixture
def acme(db: None) -> Iterator[Tenant]:
    tenant = TenantFactory.create(slug="acme", default_currency="USD")
    with scope.tenant(tenant):
        yield tenant


def add_rates(*rows: tuple[str, dt.date, str]) -> list[ExchangeRate]:
    """Rates of the current tenant: ``("EUR", date(2026, 1, 5), "1.0825")``."""
    return [ExchangeRateFactory.create(currency_id=c, date=day, rate=Decimal(rate)) for c, day, rate in rows]
