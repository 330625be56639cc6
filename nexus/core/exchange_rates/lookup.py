"""The tenant's exchange rates: the latest rate on or before a day, one pair or many in one query."""

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce

from nexus.core.errors import Conflict
from nexus.core.models import ExchangeRate
from nexus.core.scope import require_tenant_id
from nexus.core.tenants import tenant_currency

Pair = tuple[str, dt.date]


class MissingExchangeRate(Conflict):
    """No rate for a currency on or before a day: a conversion refuses rather than assume 1."""

    code = "exchange_rate_missing"

    def __init__(self, currency: str, on: dt.date, base_currency: str) -> None:
        super().__init__(
            f"No exchange rate for {currency} on or before {on.isoformat()}: "
            f"add the rate of {currency} in {base_currency} for that day under Exchange rates."
        )
        self.currency = currency
        self.on = on


def own_currency_message(currency: str, base_currency: str) -> str:
    """Why ``currency`` takes no rate ("" when it may): the tenant's own currency is always 1."""
    if currency == base_currency:
        return f"{currency} is the tenant's own currency; its rate is always 1."
    return ""


def _on_or_before(tenant_id: int, currency: str, on: dt.date) -> Q:
    return Q(tenant_id=tenant_id, currency_id=currency, date__lte=on)


class ExchangeRates:
    """One tenant's rates (a ``RateSource`` for ``Money.convert``), remembered once read.

    Build one per operation: a rate read stays as read for the life of the object, so every
    conversion of one document sees the same rates. ``load`` looks up many currencies and days
    in one query (landed costs convert every charge of a document at once).
    """

    def __init__(self, tenant_id: int, base_currency: str) -> None:
        self.tenant_id = tenant_id
        self.base_currency = base_currency
        self._known: dict[Pair, Decimal | None] = {}

    @classmethod
    def for_current_tenant(cls) -> "ExchangeRates":
        """The selected tenant's rates into its own currency; ``TenantRequired`` without one."""
        tenant_id = require_tenant_id()
        return cls(tenant_id, tenant_currency(tenant_id))

    def rate(self, currency: str, on: dt.date) -> Decimal:
        """Units of the tenant's currency one ``currency`` buys on ``on``; ``MissingExchangeRate``."""
        if currency == self.base_currency:
            return Decimal(1)
        pair = (currency, on)
        if pair not in self._known:
            latest = ExchangeRate.objects.filter(_on_or_before(self.tenant_id, currency, on)).order_by(
                "-date"
            )
            self._known[pair] = latest.values_list("rate", flat=True).first()
        found = self._known[pair]
        if found is None:
            raise MissingExchangeRate(currency, on, self.base_currency)
        return found

    def load(self, wanted: Iterable[Pair]) -> dict[Pair, Decimal]:
        """The rates of ``wanted`` (currency, day) pairs that have one, read in one query.

        Each is the latest rate on or before its day. Pairs without a rate are left out (and
        ``rate()`` raises for them); the base currency's pairs are 1. Later ``rate()`` calls for
        these pairs use what was read here.
        """
        pairs = set(wanted)
        missing = {pair for pair in pairs if pair[0] != self.base_currency and pair not in self._known}
        if missing:
            self._known.update(self._read(missing))
        found: dict[Pair, Decimal] = {}
        for currency, on in pairs:
            rate = Decimal(1) if currency == self.base_currency else self._known[(currency, on)]
            if rate is not None:
                found[(currency, on)] = rate
        return found

    def _read(self, pairs: set[Pair]) -> dict[Pair, Decimal | None]:
        """Per currency, the rows from the latest one on or before its earliest day up to its last."""
        days: dict[str, list[dt.date]] = defaultdict(list)
        for currency, on in pairs:
            days[currency].append(on)
        window = Q()
        for currency, wanted_days in days.items():
            first, last = min(wanted_days), max(wanted_days)
            start = ExchangeRate.objects.filter(_on_or_before(self.tenant_id, currency, first)).order_by(
                "-date"
            )
            window |= Q(
                currency_id=currency,
                date__lte=last,
                date__gte=Coalesce(Subquery(start.values("date")[:1]), Value(first)),
            )
        rows = (
            ExchangeRate.objects.filter(window, tenant_id=self.tenant_id)
            .order_by("currency_id", "date")
            .values_list("currency_id", "date", "rate")
        )
        series: dict[str, tuple[list[dt.date], list[Decimal]]] = defaultdict(lambda: ([], []))
        for currency, day, rate in rows:
            series[currency][0].append(day)
            series[currency][1].append(rate)
        found: dict[Pair, Decimal | None] = {}
        for currency, on in pairs:
            dates, rates = series[currency]
            index = bisect.bisect_right(dates, on) - 1
            found[(currency, on)] = rates[index] if index >= 0 else None
        return found
