"""Replenishment on the domains (``supply_chain_ops.contracts.replenishment``).

Demand is what left the stock to customers or consumption: ``shipment`` and ``issue`` moves out
of a warehouse's locations, summed per product, warehouse and day (the tenant's time zone) in one
aggregation query (on PostgreSQL one row per series, its days and quantities as arrays). A
position counts sellable stock, its reservations, purchase-order lines not yet received (drafts
too: a released requisition converts into a draft order) and requisitions not yet converted.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from nexus.core.errors import InvalidInput
from nexus.core.scope import require_tenant_id
from nexus.core.transitions.actors import resolve_actor
from nexus.inventory.models import (
    Location,
    MoveReason,
    Product,
    StockAvailability,
    StockMove,
    Warehouse,
    WarehouseKind,
)
from nexus.procurement.models import (
    OPEN_PURCHASE_STATES,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    RequisitionLine,
    RequisitionStatus,
)
from nexus.procurement.services import create_requisition, preferred_terms
from nexus.tenancy.models import Tenant, TenantStatus
from supply_chain_ops.contracts.replenishment import (
    DemandHistory,
    PlanningProduct,
    PurchaseTerms,
    ReplenishmentPolicy,
    RequisitionRequest,
    Series,
    Site,
    StockPosition,
)

DEMAND_REASONS = (MoveReason.SHIPMENT, MoveReason.ISSUE)
ON_ORDER_STATES = (PurchaseOrderStatus.DRAFT, *OPEN_PURCHASE_STATES)
OPEN_REQUISITION_STATES = (RequisitionStatus.DRAFT, RequisitionStatus.APPROVED)

#: Tenant policies (``Tenant.policies``) of replenishment.
POLICY_PREFIX = "replenishment_"


class DomainReplenishmentData:
    def tenants(self, slug: str | None = None) -> list[tuple[int, str]]:
        rows = Tenant.objects.filter(slug=slug) if slug else Tenant.objects.filter(status=TenantStatus.ACTIVE)
        return list(rows.order_by("slug").values_list("id", "slug"))

    def demand_history(self, start: dt.date, end: dt.date) -> DemandHistory:
        days = max((end - start).days + 1, 0)
        zone = timezone.get_current_timezone()
        since = dt.datetime.combine(start, dt.time(), tzinfo=zone)
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        if connection.vendor == "postgresql":
            groups = _series_arrays(since, until, start, timezone.get_current_timezone_name())
        else:
            groups = _series_cells(since, until, start)
        keys = [(product_id, warehouse_id) for product_id, warehouse_id, _, _ in groups]
        quantities = np.zeros((len(keys), days))
        if groups:
            rows = np.concatenate([np.full(len(offsets), i) for i, (_, _, offsets, _) in enumerate(groups)])
            offsets = np.concatenate([np.asarray(o, dtype=np.int64) for _, _, o, _ in groups])
            amounts = np.concatenate([np.asarray(a, dtype=np.float64) for _, _, _, a in groups])
            np.add.at(quantities, (rows.astype(np.int64), offsets), amounts)
        return DemandHistory(start=start, keys=keys, quantities=quantities)

    def positions(self, series: Collection[Series]) -> Mapping[Series, StockPosition]:
        wanted = set(series)
        products = {p for p, _ in wanted}
        warehouses = {w for _, w in wanted}
        figures: dict[Series, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for p, w, sellable, reserved in StockAvailability.objects.filter(
            product_id__in=products, warehouse_id__in=warehouses
        ).values_list("product_id", "warehouse_id", "on_hand_sellable", "reserved"):
            figures[(p, w)]["on_hand"] += sellable
            figures[(p, w)]["reserved"] += reserved
        for p, w, quantity in (
            PurchaseOrderLine.objects.filter(
                product_id__in=products,
                order__warehouse_id__in=warehouses,
                order__status__in=ON_ORDER_STATES,
                quantity__gt=F("received_quantity"),
            )
            .values_list("product_id", "order__warehouse_id")
            .annotate(open=Sum(F("quantity") - F("received_quantity")))
            .order_by()
        ):
            figures[(p, w)]["on_order"] += quantity
        for p, w, quantity in (
            RequisitionLine.objects.filter(
                product_id__in=products,
                requisition__warehouse_id__in=warehouses,
                requisition__status__in=OPEN_REQUISITION_STATES,
            )
            .values_list("product_id", "requisition__warehouse_id")
            .annotate(total=Sum("quantity"))
            .order_by()
        ):
            figures[(p, w)]["requisitioned"] += quantity
        return {key: StockPosition(**values) for key, values in figures.items() if key in wanted}

    def purchase_terms(self, product_ids: Collection[int]) -> Mapping[int, PurchaseTerms]:
        return {
            product_id: PurchaseTerms(
                product_id=product_id,
                vendor_id=terms.vendor_id,
                vendor_code=terms.vendor.code,
                minimum_order_quantity=terms.minimum_order_quantity,
                order_multiple=terms.order_multiple,
                lead_time_days=terms.lead_time_days,
            )
            for product_id, terms in preferred_terms(list(product_ids)).items()
        }

    def products(self, product_ids: Collection[int]) -> Mapping[int, PlanningProduct]:
        costs: dict[int, tuple[Decimal, Decimal]] = {}
        for product_id, value, on_hand in (
            StockAvailability.objects.filter(product_id__in=product_ids)
            .values_list("product_id")
            .annotate(value=Sum("value"), on_hand=Sum("on_hand"))
            .order_by()
        ):
            costs[product_id] = (value or Decimal(0), on_hand or Decimal(0))
        found = {}
        for product in Product.objects.filter(pk__in=product_ids):
            value, on_hand = costs.get(product.pk, (Decimal(0), Decimal(0)))
            average = value / on_hand if on_hand > 0 else Decimal(0)
            found[product.pk] = PlanningProduct(
                id=product.pk,
                sku=product.sku,
                unit=product.unit,
                unit_decimals=product.unit_decimals,
                unit_cost=average,
            )
        return found

    def sites(self) -> list[Site]:
        return [
            Site(
                id=w.pk,
                code=w.code,
                latitude=float(w.latitude) if w.latitude is not None else None,
                longitude=float(w.longitude) if w.longitude is not None else None,
            )
            for w in Warehouse.objects.filter(kind=WarehouseKind.PHYSICAL, active=True).order_by("code")
        ]

    def policy(self) -> ReplenishmentPolicy:
        tenant = Tenant.objects.only("policies").get(pk=require_tenant_id())
        default = ReplenishmentPolicy()
        service_level = _number(tenant, "service_level", default.service_level, low=0, high=1, strict=True)
        return ReplenishmentPolicy(
            service_level=float(service_level or default.service_level),
            review_days=int(_number(tenant, "review_days", default.review_days, low=0) or 0),
            history_days=int(_number(tenant, "history_days", default.history_days, low=28) or 0),
            ordering_cost=_float(_number(tenant, "ordering_cost", None, low=0)),
            holding_rate=_float(_number(tenant, "holding_rate", None, low=0, strict=True)),
            transfer_distance_km=_float(_number(tenant, "transfer_distance_km", None, low=0)),
            min_max=_min_max(tenant.policy(POLICY_PREFIX + "min_max", {})),
        )

    def create_requisitions(self, requests: Sequence[RequisitionRequest], *, actor: Any) -> list[int]:
        user = resolve_actor(actor).user
        user_id = user.pk if user is not None else None
        return [
            create_requisition(
                warehouse_id=request.warehouse_id,
                needed_by=request.needed_by,
                lines=[(product_id, quantity, request.vendor_id) for product_id, quantity in request.lines],
                requested_by_id=user_id,
                notes=request.notes,
            ).pk
            for request in requests
        ]


#: Per series, the day offsets and quantities of its demand moves: one row per series, arrays
#: built by the server (PostgreSQL), so that a year of ten thousand series is ten thousand rows.
SERIES_ARRAYS = """
    SELECT m.product_id, l.warehouse_id,
           array_agg(((m.occurred_at AT TIME ZONE %(zone)s)::date - %(start)s::date)),
           array_agg(m.quantity::float8)
    FROM {moves} m JOIN {locations} l ON l.id = m.from_location_id AND l.tenant_id = m.tenant_id
    WHERE m.tenant_id = %(tenant)s AND m.reason = ANY(%(reasons)s)
      AND m.occurred_at >= %(since)s AND m.occurred_at < %(until)s
    GROUP BY m.product_id, l.warehouse_id
    ORDER BY m.product_id, l.warehouse_id
"""

SeriesCells = list[tuple[int, int, list[int], list[float]]]


def _series_arrays(since: dt.datetime, until: dt.datetime, start: dt.date, zone: str) -> SeriesCells:
    query = SERIES_ARRAYS.format(moves=StockMove._meta.db_table, locations=Location._meta.db_table)
    params: dict[str, Any] = {
        "zone": zone,
        "start": start,
        "tenant": require_tenant_id(),
        "reasons": list(DEMAND_REASONS),
        "since": since,
        "until": until,
    }
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [(p, w, list(offsets), list(amounts)) for p, w, offsets, amounts in cursor.fetchall()]


def _series_cells(since: dt.datetime, until: dt.datetime, start: dt.date) -> SeriesCells:
    """The same through the ORM, one row per series and day (the embedded SQLite)."""
    rows = (
        StockMove.objects.filter(
            reason__in=DEMAND_REASONS,
            occurred_at__gte=since,
            occurred_at__lt=until,
            from_location__isnull=False,
        )
        .annotate(day=TruncDate("occurred_at"))
        .values_list("product_id", "from_location__warehouse_id", "day")
        .annotate(total=Sum("quantity"))
        .order_by("product_id", "from_location__warehouse_id")
    )
    found: dict[Series, tuple[list[int], list[float]]] = {}
    for product_id, warehouse_id, day, total in rows:
        offsets, amounts = found.setdefault((product_id, warehouse_id), ([], []))
        offsets.append((day - start).days)
        amounts.append(float(total))
    return [(p, w, offsets, amounts) for (p, w), (offsets, amounts) in found.items()]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _number(
    tenant: Tenant, name: str, default: Any, *, low: float, high: float | None = None, strict: bool = False
) -> Decimal | None:
    raw = tenant.policy(POLICY_PREFIX + name, default)
    if raw is None:
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal("NaN")
    too_low = value <= low if strict else value < low
    if isinstance(raw, bool) or not value.is_finite() or too_low or (high is not None and value >= high):
        bound = (
            f"between {low} and {high}" if high is not None else f"{'above' if strict else 'at least'} {low}"
        )
        raise InvalidInput(
            f"The tenant policy {POLICY_PREFIX}{name} is {raw!r}; it must be a number {bound}."
        )
    return value


def _min_max(raw: Any) -> dict[Series, tuple[Decimal, Decimal]]:
    """``{"SKU@WAREHOUSE": [min, max]}`` resolved to (product id, warehouse id)."""
    name = POLICY_PREFIX + "min_max"
    if not isinstance(raw, dict):
        raise InvalidInput(f"The tenant policy {name} must map 'SKU@WAREHOUSE' to [min, max].")
    parsed: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for key, pair in raw.items():
        sku, _, code = str(key).rpartition("@")
        try:
            low, high = (Decimal(str(v)) for v in pair)
        except (InvalidOperation, TypeError, ValueError):
            raise InvalidInput(
                f"The tenant policy {name} has {key!r}: {pair!r}; expected [min, max]."
            ) from None
        if not sku or not low.is_finite() or not high.is_finite() or low < 0 or high < low:
            raise InvalidInput(f"The tenant policy {name} has {key!r}: {pair!r}; expected 0 <= min <= max.")
        parsed[(sku.upper(), code.upper())] = (low, high)
    if not parsed:
        return {}
    products = {
        sku.upper(): pk
        for pk, sku in Product.objects.filter(sku__in=[s for s, _ in parsed]).values_list("pk", "sku")
    }
    sites = {code.upper(): pk for pk, code in Warehouse.objects.values_list("pk", "code")}
    return {
        (products[sku], sites[code]): limits
        for (sku, code), limits in parsed.items()
        if sku in products and code in sites
    }
