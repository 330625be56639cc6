"""Kernel rows that tests make directly: exchange rates. Create them inside ``scope.tenant(...)``."""

import datetime as dt
from decimal import Decimal

import factory

from nexus.core.models import ExchangeRate


class ExchangeRateFactory(factory.django.DjangoModelFactory[ExchangeRate]):
    class Meta:
        model = ExchangeRate

    currency_id = "EUR"
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    rate = Decimal("1.08")
