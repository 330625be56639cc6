"""The returns summary: RMAs by reason and inspected goods by disposition, since a date."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from supply_chain_ops.models import Rma, RmaInspection, RmaStatus


@dataclass(frozen=True)
class ReasonRow:
    code: str
    name: str
    rmas: int
    rejected: int
    requested: Decimal
    received: Decimal


@dataclass(frozen=True)
class DispositionRow:
    disposition: str
    quantity: Decimal
    value: Decimal


def summary(since: dt.date | None = None) -> tuple[list[ReasonRow], list[DispositionRow]]:
    """Opened RMAs (not cancelled) per reason, and inspected goods per disposition; two queries."""
    rmas = Rma.objects.exclude(status=RmaStatus.CANCELLED)
    inspections = RmaInspection.objects.all()
    if since is not None:
        rmas = rmas.filter(created_at__date__gte=since)
        inspections = inspections.filter(inspected_at__date__gte=since)
    by_reason = (
        rmas.values("reason__code", "reason__name")
        .annotate(
            count=Count("id", distinct=True),
            rejected=Count("id", filter=Q(status=RmaStatus.REJECTED), distinct=True),
            requested=Sum("lines__requested_quantity"),
            received=Sum("lines__received_quantity"),
        )
        .order_by("reason__code")
    )
    by_disposition = (
        inspections.values("disposition")
        .annotate(quantity=Sum("quantity"), value=Sum("value"))
        .order_by("disposition")
    )
    zero = Decimal(0)
    return (
        [
            ReasonRow(
                row["reason__code"],
                row["reason__name"],
                row["count"],
                row["rejected"],
                row["requested"] or zero,
                row["received"] or zero,
            )
            for row in by_reason
        ],
        [
            DispositionRow(row["disposition"], row["quantity"] or zero, row["value"] or zero)
            for row in by_disposition
        ],
    )
