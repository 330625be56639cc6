"""Promises that hold: ATP computed and the promise recorded under one per-product lock.

Parallel promisers of the same product and warehouse serialise on a transaction-scoped
advisory lock (PostgreSQL; on SQLite every write transaction is already exclusive), so each
computes ATP with the others' promises already counted and none can exceed it. When goods
arrive, firm promises become inventory reservations (``reserve_on_receipt``).
"""

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.errors import ConcurrentChange, InvalidInput, NotFound, TransitionNotAllowed
from nexus.core.events import EventEnvelope
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.scope import require_tenant_id
from nexus.core.transitions import Actor, perform_transition
from nexus.core.transitions.actors import actor_ref
from supply_chain_ops import wiring
from supply_chain_ops.contracts.atp import AtpDomain, LineReservationRequest, SalesLineFacts
from supply_chain_ops.coordinators.atp import BASIS_ATP, BASIS_LEAD_TIME, build_table, confidence_of, to_units
from supply_chain_ops.coordinators.lead_times import preferred_estimates
from supply_chain_ops.models.atp import Promise, PromiseKind, PromiseStatus
from supply_chain_ops.services.atp import BEYOND_HORIZON, promise_index

RECEIPT_ACTOR = ActorRef.system("promises on receipt")


def lock_product_warehouse(product_id: int, warehouse_id: int) -> None:
    """Hold the (tenant, product, warehouse) promise lock until the transaction ends."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(
        f"atp:{require_tenant_id()}:{product_id}:{warehouse_id}".encode(), digest_size=8
    ).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def promise(sales_line_id: int, quantity: Decimal, *, actor: Actor, today: dt.date | None = None) -> Promise:
    """Promise ``quantity`` of a sales line's product from its warehouse, as early as ATP allows.

    Firm for a line of a confirmed order, a quote (expiring after the tenant's validity) for a
    draft. Within the horizon the date is the first day ATP covers the quantity (never before
    the requested date); beyond it, today plus the preferred vendor's lead time. Refuses a
    dropship line, a closed order, a quantity that is not positive or exceeds what the line
    still needs beyond its open promises.
    """
    domain = wiring.atp_domain()
    facts, warehouse_id = _open_line(domain, sales_line_id)
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise InvalidInput("The quantity must be positive.", fields={"quantity": ["Must be positive."]})
    policy = domain.policy()
    start = today or timezone.localdate()
    who = actor_ref(actor)
    with transaction.atomic():
        lock_product_warehouse(facts.product_id, warehouse_id)
        # Decided on the line as it is under the lock: a reservation, shipment or edit since the
        # first read (which only named the lock) counts.
        locked, locked_warehouse_id = _open_line(domain, sales_line_id)
        if (locked.product_id, locked_warehouse_id) != (facts.product_id, warehouse_id):
            raise ConcurrentChange("The line's product or warehouse changed while promising; try again.")
        facts = locked
        promised = Promise.objects.filter(sales_line_id=sales_line_id, status=PromiseStatus.OPEN).aggregate(
            total=Sum("quantity") - Sum("reserved_quantity")
        )["total"] or Decimal(0)
        # A confirmed line's reserved part is already held; only the rest can be promised.
        needs = facts.counted_demand if facts.order_confirmed else facts.open_quantity
        if promised + quantity > needs:
            raise InvalidInput(
                f"The line still needs {max(needs - promised, Decimal(0)):f}; "
                f"{quantity:f} cannot be promised.",
                fields={"quantity": ["More than the line still needs."]},
            )
        table = build_table(
            [facts.product_id],
            [warehouse_id],
            start=start,
            days=policy.horizon_days,
            pending=(facts, quantity),
        )
        row = table.row(facts.product_id, warehouse_id)
        curve = table.netting.cumulative[row]
        units = to_units(quantity)
        day = int(promise_index(curve, units))
        stock = min(int(table.on_hand[row]), int(curve[0]))
        # Vendor terms and lead times matter only for what free stock does not cover.
        estimate = (
            None
            if day != BEYOND_HORIZON and stock >= units
            else preferred_estimates([facts.product_id], today=start, policy=policy).get(facts.product_id)
        )
        if day != BEYOND_HORIZON:
            promised_date = max(table.date(day), facts.requested_date)
            basis, share = BASIS_ATP, confidence_of(units, stock, estimate)[0]
        elif estimate is not None:
            promised_date = max(start + dt.timedelta(days=estimate.days), facts.requested_date)
            basis, share = BASIS_LEAD_TIME, estimate.confidence
        else:
            raise TransitionNotAllowed(
                f"cannot promise: {quantity:f} is not available within {policy.horizon_days} days "
                "and no vendor supplies the product"
            )
        confidence = Decimal(str(share)).quantize(Decimal("0.0001"))
        firm = facts.order_confirmed
        record = Promise.objects.create(
            tenant_id=require_tenant_id(),
            sales_line_id=sales_line_id,
            order_number=facts.order_number,
            product_id=facts.product_id,
            warehouse_id=warehouse_id,
            quantity=quantity,
            promised_date=promised_date,
            kind=PromiseKind.FIRM if firm else PromiseKind.QUOTE,
            expires_at=None if firm else timezone.now() + dt.timedelta(hours=policy.quote_validity_hours),
            basis=basis,
            confidence=confidence,
            actor_kind=who.kind,
            actor_id=who.id,
            actor_label=who.label[:255],
        )
        record_event(
            "supply_chain.promise.made",
            actor=who,
            obj=ObjectRef.for_instance(record),
            data={
                "sales_line_id": sales_line_id,
                "quantity": str(quantity),
                "promised_date": promised_date.isoformat(),
                "basis": basis,
                "kind": record.kind,
            },
        )
    return record


def _open_line(domain: AtpDomain, sales_line_id: int) -> tuple[SalesLineFacts, int]:
    """The line's facts and warehouse; refused when it is missing, dropship or its order closed."""
    facts = domain.sales_lines([sales_line_id]).get(sales_line_id)
    if facts is None:
        raise NotFound(f"Sales-order line {sales_line_id} does not exist.")
    if facts.warehouse_id is None:
        raise InvalidInput(
            "A dropship line ships from its vendor; it takes no promise.", fields={"sales_line": ["dropship"]}
        )
    if not (facts.order_draft or facts.order_confirmed):
        raise TransitionNotAllowed(f"cannot promise: order {facts.order_number} is no longer open")
    return facts, facts.warehouse_id


def release(promise_id: int, *, actor: Actor, reason: str = "", idempotency_key: str = "") -> Promise:
    """Give an open promise's supply back to ATP."""
    target = Promise.objects.filter(pk=promise_id).first()
    if target is None:
        raise NotFound(f"Promise {promise_id} does not exist.")
    result = perform_transition(
        target, "release", actor=actor, reason=reason, idempotency_key=idempotency_key
    )
    return result.instance


def reserve_for_promises(
    product_ids: Iterable[int], warehouse_id: int, *, actor: Actor = RECEIPT_ACTOR
) -> int:
    """Turn open firm promises of the products in the warehouse into reservations, earliest first.

    Locks the promises (ascending date, id), then reserves through inventory what is free, at
    most what each line still needs unreserved; a promise whose line needs nothing more is
    fulfilled. Idempotent: a second run finds the promises reserved or fulfilled. Returns how
    many promises changed.
    """
    products = sorted(set(product_ids))
    if not products:
        return 0
    changed = 0
    with transaction.atomic():
        for product in products:
            lock_product_warehouse(product, warehouse_id)
        promises = list(
            Promise.objects.select_for_update()
            .filter(
                product_id__in=products,
                warehouse_id=warehouse_id,
                status=PromiseStatus.OPEN,
                kind=PromiseKind.FIRM,
            )
            .order_by("promised_date", "id")
        )
        if not promises:
            return 0
        domain = wiring.atp_domain()
        lines = domain.sales_lines({p.sales_line_id for p in promises})
        still_needed = {pk: facts.counted_demand for pk, facts in lines.items()}
        requests, asking = [], []
        for p in promises:
            wanted = min(p.open_quantity, still_needed.get(p.sales_line_id, Decimal(0)))
            if wanted > 0:
                still_needed[p.sales_line_id] -= wanted
                requests.append(
                    LineReservationRequest(
                        p.sales_line_id, p.product_id, p.warehouse_id, wanted, p.promised_date
                    )
                )
                asking.append(p)
        got = dict(zip((p.pk for p in asking), domain.reserve_for_lines(requests, actor=actor), strict=True))
        for p in promises:
            taken = got.get(p.pk, Decimal(0))
            if taken > 0:
                p.reserved_quantity += taken
                p.save(update_fields=["reserved_quantity"])
            # Fulfilled once reserved in full, or when its line needs nothing more reserved.
            done = p.reserved_quantity >= p.quantity or p.pk not in got
            if done:
                perform_transition(p, "fulfil", actor=actor)
            changed += taken > 0 or done
    return changed


def reserve_on_receipt(payload: dict[str, Any], envelope: EventEnvelope) -> None:
    """Listener on ``procurement.goods_received``: the goods that came in honour firm promises."""
    products = {int(line["product_id"]) for line in payload.get("lines", ())}
    reserve_for_promises(products, int(payload["warehouse_id"]))


def firm_up_on_confirmation(payload: dict[str, Any], envelope: EventEnvelope) -> None:
    """Listener on ``sales.order_confirmed``: the order's quotes become firm promises (idempotent)."""
    line_ids = [int(line["line_id"]) for line in payload.get("lines", ())]
    with transaction.atomic():
        quotes = list(
            Promise.objects.select_for_update()
            .filter(sales_line_id__in=line_ids, status=PromiseStatus.OPEN, kind=PromiseKind.QUOTE)
            .order_by("id")
        )
        for quote in quotes:
            quote.kind, quote.expires_at = PromiseKind.FIRM, None
            quote.save(update_fields=["kind", "expires_at"])
