"""Importing a CSV of daily rates (header ``date,currency,rate``): every line or none, idempotent.

Every line is parsed by ``RateLineForm`` before anything is written; any bad line (or a
currency and day given twice) refuses the whole file with every problem and its line number.
A good file is then written as inserts and updates in batches: a rate already there with the
same value is left alone, so importing the same file again changes nothing.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from nexus.core.audit import record_event
from nexus.core.errors import InvalidInput
from nexus.core.models import Currency, ExchangeRate
from nexus.core.models.refs import ActorRef
from nexus.core.scope import require_tenant_id
from nexus.core.tenants import tenant_currency

from .forms import RateLineForm
from .lookup import Pair

HEADER = ["date", "currency", "rate"]
WRITE_BATCH = 1000
# ``progress(stage, done, total)``: stage is "checking" (lines) or "writing" (rates).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int


class RatesFileInvalid(InvalidInput):
    """The file has bad lines; ``fields`` maps ``"line N"`` to what is wrong there."""

    code = "exchange_rates_invalid"


def _line_errors(form: RateLineForm) -> list[str]:
    return [f"{field}: {message}" for field, messages in form.errors.items() for message in messages]


def read_rate_lines(
    lines: Iterable[str], *, base_currency: str, progress: Progress | None = None
) -> dict[Pair, Decimal]:
    """Parse the file into ``{(currency, day): rate}``; ``RatesFileInvalid`` naming every bad line."""
    reader = csv.DictReader(lines)
    if [name.strip() for name in reader.fieldnames or []] != HEADER:
        raise RatesFileInvalid(
            "The file must start with the header line date,currency,rate.",
            fields={"line 1": [f"Expected the header {','.join(HEADER)}."]},
        )
    numbered = [(reader.line_num, row) for row in reader]
    currencies = set(Currency.objects.values_list("code", flat=True))
    rates: dict[Pair, Decimal] = {}
    first_seen: dict[Pair, int] = {}
    errors: dict[str, list[str]] = {}
    for done, (number, row) in enumerate(numbered, start=1):
        if progress is not None:
            progress("checking", done, len(numbered))
        if None in row:
            errors[f"line {number}"] = [f"More than {len(HEADER)} values."]
            continue
        values = {name.strip(): (value or "").strip() for name, value in row.items()}
        form = RateLineForm(values, currencies=currencies, base_currency=base_currency)
        if not form.is_valid():
            errors[f"line {number}"] = _line_errors(form)
            continue
        pair = (form.cleaned_data["currency"], form.cleaned_data["date"])
        if pair in first_seen:
            errors[f"line {number}"] = [
                f"{pair[0]} on {pair[1].isoformat()} is already on line {first_seen[pair]}."
            ]
            continue
        first_seen[pair] = number
        rates[pair] = form.cleaned_data["rate"]
    if errors:
        raise RatesFileInvalid(
            f"{len(errors)} line(s) of the file are not valid; nothing was imported.", fields=errors
        )
    return rates


def _stored_rates(tenant_id: int, rates: dict[Pair, Decimal]) -> dict[Pair, Decimal]:
    days = [day for _, day in rates]
    stored = ExchangeRate.objects.filter(
        tenant_id=tenant_id,
        currency_id__in={currency for currency, _ in rates},
        date__range=(min(days), max(days)),
    ).values_list("currency_id", "date", "rate")
    return {(currency, day): rate for currency, day, rate in stored if (currency, day) in rates}


def _write(tenant_id: int, rates: dict[Pair, Decimal], progress: Progress | None) -> None:
    """Insert or update ``rates`` in batches; an insert that meets a concurrent one updates it."""
    rows = [
        ExchangeRate(tenant_id=tenant_id, currency_id=currency, date=day, rate=rate)
        for (currency, day), rate in sorted(rates.items())
    ]
    for start in range(0, len(rows), WRITE_BATCH):
        ExchangeRate.objects.bulk_create(
            rows[start : start + WRITE_BATCH],
            update_conflicts=True,
            unique_fields=["tenant", "currency", "date"],
            update_fields=["rate", "updated_at"],
        )
        if progress is not None:
            progress("writing", min(start + WRITE_BATCH, len(rows)), len(rows))


def _label(pair: Pair) -> str:
    currency, day = pair
    return f"{currency} {day.isoformat()}"


def import_exchange_rates(
    lines: Iterable[str], *, actor: ActorRef, progress: Progress | None = None
) -> ImportReport:
    """Import a rates file into the current tenant; report what was created, updated, unchanged.

    Raises ``RatesFileInvalid`` (nothing written) when any line is bad. The import is one
    transaction and one audit event, which lists every rate it changed with its old value.
    """
    tenant_id = require_tenant_id()
    rates = read_rate_lines(lines, base_currency=tenant_currency(tenant_id), progress=progress)
    if not rates:
        return ImportReport(created=0, updated=0, unchanged=0)
    with transaction.atomic():
        stored = _stored_rates(tenant_id, rates)
        changed = {pair: rate for pair, rate in rates.items() if stored.get(pair) != rate}
        _write(tenant_id, changed, progress)
        report = ImportReport(
            created=sum(1 for pair in changed if pair not in stored),
            updated=sum(1 for pair in changed if pair in stored),
            unchanged=len(rates) - len(changed),
        )
        days: list[dt.date] = sorted(day for _, day in rates)
        record_event(
            "core.exchange_rates.imported",
            actor=actor,
            data={
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "currencies": sorted({currency for currency, _ in rates}),
                "first_date": days[0],
                "last_date": days[-1],
                "changes": {
                    _label(pair): [stored[pair], rate]
                    for pair, rate in sorted(changed.items())
                    if pair in stored
                },
            },
        )
    return report
