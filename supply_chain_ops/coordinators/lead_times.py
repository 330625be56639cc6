"""Dynamic lead times per vendor and product: learnt from receipt history, stored, and served.

``refresh_lead_times`` recomputes the stored figures (and procurement's vendor-level
statistics) from purchase order → goods receipt history, dropship deliveries confirmed by the
vendor's shipment notice included; ``lead_time_estimates`` answers for
many (vendor, product) pairs at once from what is stored, falling back to the quoted lead time,
and adds the tenant's peak-period buffer for today.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.models.refs import ActorRef
from nexus.core.scope import require_tenant_id
from nexus.core.transitions.actors import actor_ref
from supply_chain_ops import wiring
from supply_chain_ops.contracts.atp import AtpPolicy, VendorDeliveryStatistics
from supply_chain_ops.models.atp import VendorLeadTime
from supply_chain_ops.services.lead_times import (
    HISTORY,
    Delivery,
    LeadTimeEstimate,
    estimate,
    peak_buffer,
    quoted,
)

__all__ = ["LeadTimeEstimate", "lead_time_estimates", "preferred_estimates", "refresh_lead_times"]

#: How far back receipt history counts.
HISTORY_DAYS = 730
REFRESH_ACTOR = ActorRef.system("lead-time refresh")


def _with_buffer(value: LeadTimeEstimate, buffer_days: int) -> LeadTimeEstimate:
    return replace(value, days=value.days + buffer_days) if buffer_days else value


def _stored(row: VendorLeadTime) -> LeadTimeEstimate:
    return LeadTimeEstimate(
        days=row.days,
        mean_days=float(row.mean_days),
        sigma_days=float(row.sigma_days),
        on_time_rate=None if row.on_time_rate is None else float(row.on_time_rate),
        confidence=float(row.confidence),
        source=row.source,
        receipts_counted=row.receipts_counted,
    )


def lead_time_estimates(
    vendor_product_pairs: Iterable[tuple[int, int]],
    *,
    today: dt.date | None = None,
    policy: AtpPolicy | None = None,
) -> dict[tuple[int, int], LeadTimeEstimate]:
    """The lead time of each (vendor id, product id) pair, peak buffer for ``today`` included.

    Learnt figures where history is rich enough, else the vendor's quoted lead time; pairs
    with neither (no active terms, no history) are absent. Three queries whatever the pairs.
    """
    pairs = set(vendor_product_pairs)
    if not pairs:
        return {}
    domain = wiring.atp_domain()
    policy = policy or domain.policy()
    buffer = peak_buffer(
        today or timezone.localdate(), [(p.start, p.end, p.buffer_days) for p in policy.peak_periods]
    )
    products = {p for _, p in pairs}
    found: dict[tuple[int, int], LeadTimeEstimate] = {}
    for row in VendorLeadTime.objects.filter(
        product_id__any=list(products), vendor_id__in={v for v, _ in pairs}
    ):
        if (row.vendor_id, row.product_id) in pairs:
            found[(row.vendor_id, row.product_id)] = _stored(row)
    for terms in wiring.lead_time_domain().quoted_terms(products):
        key = (terms.vendor_id, terms.product_id)
        if key in pairs and key not in found:
            found[key] = quoted(terms.lead_time_days)
    return {key: _with_buffer(value, buffer) for key, value in found.items()}


def preferred_estimates(
    product_ids: Collection[int], *, today: dt.date, policy: AtpPolicy
) -> dict[int, LeadTimeEstimate]:
    """Each product's lead time from its preferred vendor (lowest priority number, then id)."""
    preferred: dict[int, tuple[int, int]] = {}
    for terms in sorted(
        wiring.lead_time_domain().quoted_terms(product_ids), key=lambda t: (t.priority, t.vendor_id)
    ):
        preferred.setdefault(terms.product_id, (terms.vendor_id, terms.product_id))
    estimates = lead_time_estimates(preferred.values(), today=today, policy=policy)
    return {product: estimates[pair] for product, pair in preferred.items() if pair in estimates}


def refresh_lead_times(
    pairs: Collection[tuple[int, int]] | None = None, *, actor: Any = REFRESH_ACTOR
) -> int:
    """Recompute and store the lead times of the pairs (None: every pair with history or terms).

    Also stores each vendor's delivery statistics over all its products (procurement's
    ``record_vendor_statistics``). Returns how many pairs were stored. Idempotent.
    """
    domain, procurement = wiring.atp_domain(), wiring.lead_time_domain()
    policy = domain.policy()
    today = timezone.localdate()
    since = today - dt.timedelta(days=HISTORY_DAYS)
    vendors = None if pairs is None else {v for v, _ in pairs}
    # A vendor's statistics span all its products, so its whole history is read.
    history = procurement.receipt_history(vendors, since)
    by_pair: dict[tuple[int, int], list[Delivery]] = defaultdict(list)
    for h in history:
        by_pair[(h.vendor_id, h.product_id)].append(Delivery(h.ordered, h.expected, h.received))
    wanted = set(by_pair) if pairs is None else set(pairs)
    products = None if pairs is None else {p for _, p in wanted}
    quotes = {(t.vendor_id, t.product_id): t.lead_time_days for t in procurement.quoted_terms(products)}
    if pairs is None:
        wanted |= set(quotes)
    now = timezone.now()
    tenant = require_tenant_id()
    rows = []
    for vendor, product in sorted(wanted):
        deliveries = by_pair.get((vendor, product), [])
        quoted_days = quotes.get((vendor, product))
        if quoted_days is None and len(deliveries) < max(policy.min_receipts, 1):
            continue  # neither enough history nor terms to fall back on
        value = estimate(deliveries, quoted_days or 0, min_receipts=policy.min_receipts, z=policy.service_z)
        rows.append(
            VendorLeadTime(
                tenant_id=tenant,
                vendor_id=vendor,
                product_id=product,
                days=value.days,
                mean_days=Decimal(str(value.mean_days)),
                sigma_days=Decimal(str(value.sigma_days)),
                on_time_rate=None if value.on_time_rate is None else Decimal(str(value.on_time_rate)),
                confidence=Decimal(str(value.confidence)),
                receipts_counted=value.receipts_counted,
                quoted_days=quoted_days,
                source=value.source,
                computed_at=now,
            )
        )
    statistics = _vendor_statistics(history, vendors)
    with transaction.atomic():
        VendorLeadTime.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["vendor", "product"],
            update_fields=[
                "days",
                "mean_days",
                "sigma_days",
                "on_time_rate",
                "confidence",
                "receipts_counted",
                "quoted_days",
                "source",
                "computed_at",
            ],
        )
        if statistics:
            procurement.record_vendor_statistics(statistics, actor=actor)
        record_event(
            "supply_chain.lead_times.refreshed",
            actor=actor_ref(actor),
            data={"pairs": len(rows), "from_history": sum(r.source == HISTORY for r in rows)},
        )
    return len(rows)


def _vendor_statistics(
    history: Iterable[Any], vendors: set[int] | None
) -> Mapping[int, VendorDeliveryStatistics]:
    deliveries: dict[int, list[Any]] = defaultdict(list)
    for h in history:
        if vendors is None or h.vendor_id in vendors:
            deliveries[h.vendor_id].append(h)
    statistics = {}
    for vendor, rows in deliveries.items():
        on_time = sum(r.received <= r.expected for r in rows)
        days = sum(max((r.received - r.ordered).days, 0) for r in rows)
        statistics[vendor] = VendorDeliveryStatistics(
            on_time_rate=(Decimal(on_time) / len(rows)).quantize(Decimal("0.0001")),
            average_lead_time_days=(Decimal(days) / len(rows)).quantize(Decimal("0.01")),
            receipts_counted=len(rows),
        )
    return statistics


def refresh_on_receipt(payload: dict[str, Any], envelope: Any) -> None:
    """Listener on ``procurement.goods_received``: relearn the vendor's lead times (idempotent)."""
    vendor = int(payload["vendor_id"])
    refresh_lead_times({(vendor, int(line["product_id"])) for line in payload.get("lines", ())})


def refresh_on_dropship_delivery(payload: dict[str, Any], envelope: Any) -> None:
    """Listener on ``supply_chain.dropship_shipped``: relearn the lead times of the order's vendors.

    A vendor's shipment notice is the delivery of a dropship line (no goods receipt follows), so
    it counts like a receipt. Every (vendor, product) of the order's ordered lines is relearnt;
    idempotent.
    """
    pairs = {
        (int(line["vendor_id"]), int(line["product_id"]))
        for line in payload.get("lines", ())
        if line.get("vendor_id") is not None
    }
    if pairs:
        refresh_lead_times(pairs)
