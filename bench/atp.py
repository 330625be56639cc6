"""Available to promise: batch ATP against a one-query floor, and parallel promising against bare ORM.

1. **Batch ATP** for P products x W warehouses over D days (10,000 x 5 x 90 by default) on
   realistic data: stock on hand, open reservations, open purchase-order lines and confirmed
   sales lines spread over the horizon. ``available_to_promise`` (every product, every
   warehouse, one quantity each: the promise date and the cumulative ATP) is timed and its
   queries counted, against a **floor** measured in the same run: the same supply and demand
   as one SQL query, read into numpy arrays and netted by the same ``services.atp.net``.
   Target: within 3x of the floor, with a number of queries that does not grow with P.
2. **Parallel promising**: 8 processes each promise one unit to draft sales lines, first all of
   one hot product, then spread over 1,000 products, through ``workflows.promises.promise``
   (the per-product advisory lock, ATP from every domain, the promise row and its audit event)
   against two sets of bare ORM statements: ``orm`` decides from free stock alone (the lock, the
   open promises and the free stock read, the insert), ``orm_netting`` makes the promise's whole
   decision (every supply and demand it nets, the netting, the insert). Then all run against
   scarce stock (half of what is asked) to show that exactly the stock there is gets promised.
   Target: at least 60% of the bare ORM.

Creates its own database (``nexus_bench_atp``, dropped first) as the ordinary role ``nexus``:
``.venv/bin/python bench/atp.py [--products 10000] [--warehouses 5] [--days 90]``.
Data is written with bulk inserts (the benchmark reads it; it is not a ledger to check).
"""

import argparse
import contextlib
import datetime as dt
import hashlib
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE = "nexus_bench_atp"
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://nexus@127.0.0.1:5432")
FLOOR_TARGET = 3.0
PROMISE_TARGET = 0.6
PROMISE_PRODUCTS = 1000
WARMUP = 10
BATCH = 5000


class Refused(Exception):
    """Not enough to promise."""


def create_database() -> str:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    return f"{SERVER}/{DATABASE}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "nexus.settings.test"
    import django

    django.setup()


# --- data ------------------------------------------------------------------------------------


def create_data(products: int, warehouses: int, days: int, start: dt.date) -> dict[str, Any]:
    """A tenant with stock, reservations, purchase and sales lines for every product and warehouse."""
    from nexus.core import scope
    from nexus.inventory.models import Product, Reservation, StockAvailability, Warehouse
    from nexus.procurement.models import PurchaseOrder, PurchaseOrderLine, Vendor
    from nexus.sales.models import Customer, SalesOrder, SalesOrderLine
    from nexus.tenancy.models import Tenant

    rng = random.Random(23)
    tenant = Tenant.objects.create(slug="bench", name="Bench")
    with scope.tenant(tenant):
        sites = Warehouse.objects.bulk_create(
            [Warehouse(tenant_id=tenant.pk, code=f"W{n}", name=f"Warehouse {n}") for n in range(warehouses)]
        )
        items = Product.objects.bulk_create(
            [Product(tenant_id=tenant.pk, sku=f"P-{n:05d}", name=f"Product {n}") for n in range(products)],
            batch_size=BATCH,
        )
        vendor = Vendor.objects.create(code="V1", name="Vendor", currency_id="USD")
        customer = Customer.objects.create(code="C1", name="Customer", currency_id="USD")

        def day() -> dt.date:
            return start + dt.timedelta(days=rng.randrange(days))

        StockAvailability.objects.bulk_create(
            [
                StockAvailability(
                    tenant_id=tenant.pk,
                    product=p,
                    warehouse=w,
                    on_hand_sellable=Decimal(rng.randrange(0, 60)),
                    on_hand=Decimal(60),
                )
                for p in items
                for w in sites
            ],
            batch_size=BATCH,
        )
        Reservation.objects.bulk_create(
            [
                Reservation(
                    tenant_id=tenant.pk,
                    product=p,
                    warehouse=w,
                    quantity=Decimal(rng.randrange(1, 10)),
                    required_date=day(),
                    source_type="bench.line",
                    source_id=i + 1,
                    actor_kind="system",
                    actor_label="bench",
                )
                for i, (p, w) in enumerate((p, w) for p in items for w in sites)
            ],
            batch_size=BATCH,
        )
        for w in sites:
            order = PurchaseOrder.objects.create(
                tenant_id=tenant.pk,
                number=f"PO-{w.code}",
                vendor=vendor,
                warehouse=w,
                currency_id="USD",
                status="sent",
            )
            PurchaseOrderLine.objects.bulk_create(
                [
                    PurchaseOrderLine(
                        tenant_id=tenant.pk,
                        order=order,
                        product=p,
                        quantity=Decimal(rng.randrange(5, 40)),
                        unit_price=Decimal(1),
                        expected_date=day(),
                    )
                    for p in items
                ],
                batch_size=BATCH,
            )
            sale = SalesOrder.objects.create(
                tenant_id=tenant.pk,
                number=f"SO-{w.code}",
                customer=customer,
                currency_id="USD",
                warehouse=w,
                status="confirmed",
            )
            SalesOrderLine.objects.bulk_create(
                [
                    SalesOrderLine(
                        tenant_id=tenant.pk,
                        order=sale,
                        product=p,
                        quantity=Decimal(rng.randrange(1, 30)),
                        unit_price=Decimal(1),
                        requested_date=day(),
                        promised_date=day(),
                        warehouse=w,
                    )
                    for p in items
                ],
                batch_size=BATCH,
            )
    return {"tenant": tenant.pk, "products": [p.pk for p in items], "warehouses": [w.pk for w in sites]}


# --- 1. batch ATP against the floor ----------------------------------------------------------

FLOOR_SQL = """
SELECT product_id, warehouse_id, day, sum(q) FROM (
    SELECT product_id, warehouse_id, 0 AS day, on_hand_sellable AS q
      FROM inventory_stockavailability WHERE on_hand_sellable > 0
    UNION ALL
    SELECT b.product_id, l.warehouse_id, 0, b.on_hand
      FROM inventory_stockbalance b JOIN inventory_location l ON l.id = b.location_id
     WHERE l.kind = 'staging' AND b.on_hand > 0
    UNION ALL
    SELECT product_id, warehouse_id, greatest(required_date - %(start)s, 0), -(quantity - consumed_quantity)
      FROM inventory_reservation WHERE state IN ('held', 'confirmed') AND required_date <= %(end)s
    UNION ALL
    SELECT l.product_id, o.warehouse_id, greatest(l.expected_date - %(start)s, 0),
           l.quantity - l.received_quantity
      FROM procurement_purchaseorderline l JOIN procurement_purchaseorder o ON o.id = l.order_id
     WHERE o.status IN ('sent', 'partially_received') AND l.quantity > l.received_quantity
       AND l.expected_date <= %(end)s
    UNION ALL
    SELECT l.product_id, l.warehouse_id, greatest(l.promised_date - %(start)s, 0),
           -(l.quantity - l.shipped_quantity - coalesce(r.held, 0))
      FROM sales_salesorderline l JOIN sales_salesorder o ON o.id = l.order_id
      LEFT JOIN (SELECT source_id, sum(quantity - consumed_quantity) AS held FROM inventory_reservation
                  WHERE source_type = 'sales.salesorderline' AND state IN ('held', 'confirmed')
                  GROUP BY source_id) r ON r.source_id = l.id
     WHERE o.status IN ('confirmed', 'partially_shipped') AND NOT l.dropship
       AND l.quantity > l.shipped_quantity AND l.promised_date <= %(end)s
) rows GROUP BY 1, 2, 3
"""


def floor(products: list[int], warehouses: list[int], start: dt.date, days: int) -> np.ndarray:
    """The same netting from one SQL query into numpy arrays; return the cumulative ATP."""
    from django.db import connection

    from supply_chain_ops.services.atp import net

    end = start + dt.timedelta(days=days - 1)
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"start": start, "end": end})
        rows = cursor.fetchall()
    p_ids, w_ids = np.array(sorted(products)), np.array(sorted(warehouses))
    data = np.array([(p, w, d, int(q * 10_000)) for p, w, d, q in rows], dtype=np.int64).reshape(-1, 4)
    index = np.searchsorted(p_ids, data[:, 0]) * len(w_ids) + np.searchsorted(w_ids, data[:, 1])
    supply = np.zeros((len(p_ids) * len(w_ids), days), dtype=np.int64)
    demand = np.zeros_like(supply)
    positive = data[:, 3] > 0
    np.add.at(supply, (index[positive], data[positive, 2]), data[positive, 3])
    np.add.at(demand, (index[~positive], data[~positive, 2]), -data[~positive, 3])
    return net(supply, demand).cumulative


def batch_atp(site: dict[str, Any], start: dt.date, days: int, rounds: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nexus.core import scope
    from supply_chain_ops.coordinators.atp import AtpRequest, available_to_promise

    products, warehouses = site["products"], site["warehouses"]
    requests = [AtpRequest(p, Decimal(20)) for p in products]
    timings: dict[str, list[float]] = {"floor": [], "coordinator": []}
    queries = 0
    with scope.tenant(site["tenant"]):
        for _ in range(rounds):
            began = time.perf_counter()
            floor(products, warehouses, start, days)
            timings["floor"].append(time.perf_counter() - began)
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                answers = available_to_promise(requests, start=start, horizon_days=days)
                timings["coordinator"].append(time.perf_counter() - began)
            queries = len(captured)
        with CaptureQueriesContext(connection) as small:
            available_to_promise(requests[:10], start=start, horizon_days=days)
    floor_s, service_s = statistics.median(timings["floor"]), statistics.median(timings["coordinator"])
    dated = sum(a.promise_date is not None for a in answers)
    print(f"\n1. Batch ATP, {len(products)} products x {len(warehouses)} warehouses x {days} days")
    print(f"   floor (one SQL query + numpy):  {floor_s:7.2f} s, 1 query")
    print(
        f"   available_to_promise:           {service_s:7.2f} s, {queries} queries "
        f"({len(small)} for 10 products)"
    )
    print(f"   ratio: {service_s / floor_s:.2f}x the floor ({len(answers)} answers, {dated} dated)")
    verdict = "met" if service_s / floor_s <= FLOOR_TARGET and queries == len(small) else "MISSED"
    print(f"   target (within {FLOOR_TARGET:.0f}x, constant queries): {verdict}")


# --- 2. parallel promising --------------------------------------------------------------------


def promising_site(products: int, stock: Decimal) -> dict[str, Any]:
    """One warehouse, ``products`` products with ``stock`` each, no vendor (nothing beyond stock)."""
    from nexus.core import scope
    from nexus.inventory.models import Product, StockAvailability, Warehouse
    from nexus.sales.models import Customer
    from nexus.tenancy.models import Tenant

    tenant = Tenant.objects.create(slug=f"promise-{time.monotonic_ns()}", name="Promise")
    with scope.tenant(tenant):
        warehouse = Warehouse.objects.create(code="PROM", name="Promising")
        items = Product.objects.bulk_create(
            [Product(tenant_id=tenant.pk, sku=f"Q-{n:05d}", name=f"Product {n}") for n in range(products)]
        )
        StockAvailability.objects.bulk_create(
            [
                StockAvailability(
                    tenant_id=tenant.pk, product=p, warehouse=warehouse, on_hand_sellable=stock, on_hand=stock
                )
                for p in items
            ]
        )
        customer = Customer.objects.create(code="C1", name="Customer", currency_id="USD")
    return {
        "tenant": tenant.pk,
        "warehouse": warehouse.pk,
        "products": [p.pk for p in items],
        "customer": customer.pk,
    }


def draft_lines(site: dict[str, Any], plan: list[int]) -> list[int]:
    """A draft sales order with one line of one unit per product in ``plan``; the line ids."""
    from nexus.core import scope
    from nexus.sales.models import SalesOrder, SalesOrderLine

    with scope.tenant(site["tenant"]):
        order = SalesOrder.objects.create(
            number=f"Q-{time.monotonic_ns()}",
            customer_id=site["customer"],
            currency_id="USD",
            warehouse_id=site["warehouse"],
        )
        lines = SalesOrderLine.objects.bulk_create(
            [
                SalesOrderLine(
                    tenant_id=site["tenant"],
                    order=order,
                    product_id=p,
                    quantity=Decimal(1),
                    unit_price=Decimal(1),
                    requested_date=dt.date.today(),
                    warehouse_id=site["warehouse"],
                )
                for p in plan
            ]
        )
    return [line.pk for line in lines]


def promise_service(line_id: int, product_id: int, site: dict[str, Any]) -> None:
    from nexus.core.errors import TransitionNotAllowed
    from nexus.core.models.refs import ActorRef
    from supply_chain_ops.workflows import promises

    try:
        promises.promise(line_id, Decimal(1), actor=ActorRef.system("bench"))
    except TransitionNotAllowed as refused:
        raise Refused from refused


def promise_orm(line_id: int, product_id: int, site: dict[str, Any]) -> None:
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.utils import timezone

    from nexus.inventory.models import StockAvailability
    from nexus.sales.models import SalesOrderLine
    from supply_chain_ops.models import Promise

    key = int.from_bytes(
        hashlib.blake2b(f"atp:{site['tenant']}:{product_id}".encode(), digest_size=8).digest(),
        "big",
        signed=True,
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        line = SalesOrderLine.objects.select_related("order").get(pk=line_id)
        promised = Promise.objects.filter(
            product_id=product_id, warehouse_id=site["warehouse"], status="open"
        ).aggregate(total=Sum("quantity"))["total"] or Decimal(0)
        row = StockAvailability.objects.get(product_id=product_id, warehouse_id=site["warehouse"])
        if row.on_hand_sellable - row.reserved - promised < 1:
            raise Refused
        Promise.objects.create(
            tenant_id=site["tenant"],
            sales_line=line,
            order_number=line.order.number,
            product_id=product_id,
            warehouse_id=site["warehouse"],
            quantity=Decimal(1),
            promised_date=timezone.localdate(),
            kind="quote",
            basis="atp",
            confidence=Decimal(1),
            actor_kind="system",
            actor_label="bench",
        )


def promise_orm_netting(line_id: int, product_id: int, site: dict[str, Any]) -> None:
    """The bare ORM statements of the promise's whole decision: every supply and demand it nets.

    The lock, the line with what it holds reserved, its open promises, stock, reservations,
    purchases, unreserved sales, transfers and open promises summed by day (two UNION ALL
    queries, as the promise reads them), the firm promises' lines, the insert; netted by the
    same closed form with numpy. No contracts, adapters or services.
    """
    from django.db import connection, transaction
    from django.db.models import DateField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
    from django.db.models.functions import Coalesce, Greatest
    from django.utils import timezone

    from nexus.inventory.models import Reservation, StockAvailability, StockBalance
    from nexus.procurement.models import PurchaseOrderLine, VendorProduct
    from nexus.sales.models import SalesOrderLine
    from supply_chain_ops.models import Promise, TransferOrderLine, VendorLeadTime

    warehouse = site["warehouse"]
    start = timezone.localdate()
    end = start + dt.timedelta(days=89)
    key = int.from_bytes(
        hashlib.blake2b(f"atp:{site['tenant']}:{product_id}:{warehouse}".encode(), digest_size=8).digest(),
        "big",
        signed=True,
    )

    def day(field: str) -> Any:
        return Greatest(field, Value(start, DateField()))

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        reserved_of_line = (
            Reservation.objects.filter(
                source_type="sales.salesorderline", source_id=OuterRef("pk"), state__in=("held", "confirmed")
            )
            .order_by()
            .values("source_id")
            .annotate(open=Sum(F("quantity") - F("consumed_quantity")))
            .values("open")
        )
        line = (
            SalesOrderLine.objects.select_related("order")
            .annotate(reserved_open=Coalesce(Subquery(reserved_of_line), Value(Decimal(0))))
            .get(pk=line_id)
        )
        Promise.objects.filter(sales_line_id=line_id, status="open").aggregate(
            total=Sum("quantity") - Sum("reserved_quantity")
        )
        open_promises = Promise.objects.filter(
            product_id=product_id, warehouse_id=warehouse, status="open"
        ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        in_stock, to_come = Value(1, IntegerField()), Value(0, IntegerField())
        unreserved = SalesOrderLine.objects.filter(
            product_id=product_id,
            warehouse_id=warehouse,
            dropship=False,
            order__status__in=("confirmed", "partially_shipped"),
            promised_date__lte=end,
        ).annotate(
            free=F("quantity")
            - F("shipped_quantity")
            - Coalesce(Subquery(reserved_of_line), Value(Decimal(0)))
        )
        domains = (
            StockAvailability.objects.filter(
                product_id=product_id, warehouse_id=warehouse, on_hand_sellable__gt=0
            )
            .annotate(day=Value(start, DateField()))
            .values_list("product_id", "warehouse_id", "day", "on_hand_sellable")
            .annotate(stock=in_stock)
            .union(
                StockBalance.objects.filter(
                    product_id=product_id,
                    location__warehouse_id=warehouse,
                    location__kind="staging",
                    on_hand__gt=0,
                )
                .values("product_id", "location__warehouse_id")
                .annotate(day=Value(start, DateField()), quantity=Sum("on_hand"))
                .values_list("product_id", "location__warehouse_id", "day", "quantity")
                .annotate(stock=in_stock),
                Reservation.objects.filter(
                    product_id=product_id,
                    warehouse_id=warehouse,
                    state__in=("held", "confirmed"),
                    required_date__lte=end,
                )
                .values("product_id", "warehouse_id", day=day("required_date"))
                .annotate(quantity=-Sum(F("quantity") - F("consumed_quantity")))
                .values_list("product_id", "warehouse_id", "day", "quantity")
                .annotate(stock=to_come),
                PurchaseOrderLine.objects.filter(
                    product_id=product_id,
                    order__warehouse_id=warehouse,
                    order__status__in=("sent", "partially_received"),
                    order__dropship=False,
                    quantity__gt=F("received_quantity"),
                    expected_date__lte=end,
                )
                .values("product_id", "order__warehouse_id", day=day("expected_date"))
                .annotate(quantity=Sum(F("quantity") - F("received_quantity")))
                .values_list("product_id", "order__warehouse_id", "day", "quantity")
                .annotate(stock=to_come),
                unreserved.filter(free__gt=0)
                .values("product_id", "warehouse_id", day=day("promised_date"))
                .annotate(quantity=-Sum("free"))
                .values_list("product_id", "warehouse_id", "day", "quantity")
                .annotate(stock=to_come),
                all=True,
            )
        )
        own = (
            TransferOrderLine.objects.filter(
                product_id=product_id,
                order__destination_warehouse_id=warehouse,
                order__status__in=("draft", "approved", "shipped", "partially_received"),
                order__expected_date__lte=end,
            )
            .annotate(coming=F("quantity") - F("received_quantity") - F("written_off_quantity"))
            .filter(coming__gt=0)
            .values("product_id", "order__destination_warehouse_id", day=day("order__expected_date"))
            .annotate(total=Sum("coming"))
            .values_list("product_id", "order__destination_warehouse_id", "day", "total")
            .union(
                TransferOrderLine.objects.filter(
                    product_id=product_id,
                    order__source_warehouse_id=warehouse,
                    order__status="draft",
                    order__ship_date__lte=end,
                )
                .values("product_id", "order__source_warehouse_id", day=day("order__ship_date"))
                .annotate(total=-Sum("quantity"))
                .values_list("product_id", "order__source_warehouse_id", "day", "total"),
                open_promises.filter(promised_date__lte=end)
                .values("product_id", "warehouse_id", day=day("promised_date"))
                .annotate(total=-Sum(F("quantity") - F("reserved_quantity")))
                .values_list("product_id", "warehouse_id", "day", "total"),
                all=True,
            )
        )
        list(
            open_promises.filter(kind="firm")
            .values_list("sales_line_id")
            .annotate(open=Sum(F("quantity") - F("reserved_quantity")))
            .order_by()
        )
        supply = np.zeros(90, dtype=np.int64)
        demand = np.zeros(90, dtype=np.int64)
        stock = 0
        for row in [*domains, *((*r, 0) for r in own)]:
            units, at = int(row[3] * 10_000), (row[2] - start).days
            if units > 0:
                supply[at] += units
                stock += units * row[4]
            else:
                demand[at] -= units
        running = np.cumsum(supply - demand)
        cumulative = np.maximum(np.flip(np.minimum.accumulate(np.flip(running))), 0)
        if min(stock, int(cumulative[0])) < 10_000:
            # Not all in stock: the vendor's terms and learnt lead time date or refuse the rest.
            terms = list(
                VendorProduct.objects.filter(product_id=product_id, active=True).values_list("vendor_id")
            )
            list(VendorLeadTime.objects.filter(product_id=product_id, vendor_id__in=[t[0] for t in terms]))
            if cumulative[-1] < 10_000 and not terms:
                raise Refused
        Promise.objects.create(
            tenant_id=site["tenant"],
            sales_line=line,
            order_number=line.order.number,
            product_id=product_id,
            warehouse_id=warehouse,
            quantity=Decimal(1),
            promised_date=start + dt.timedelta(days=int(np.argmax(cumulative >= 10_000))),
            kind="quote",
            basis="atp",
            confidence=Decimal(1),
            actor_kind="system",
            actor_label="bench",
        )


STEPS = {"orm": promise_orm, "orm_netting": promise_orm_netting, "service": promise_service}


def worker(
    mode: str, site: dict[str, Any], plan: list[tuple[int, int]], barrier: Barrier, results: Any
) -> None:
    from nexus.core import scope

    step = STEPS[mode]
    made = refused = 0
    with scope.tenant(site["tenant"]):
        for line_id, product_id in plan[:WARMUP]:
            with contextlib.suppress(Refused):
                step(line_id, product_id, site)
        barrier.wait()
        started = time.monotonic()
        for line_id, product_id in plan[WARMUP:]:
            try:
                step(line_id, product_id, site)
                made += 1
            except Refused:
                refused += 1
        finished = time.monotonic()
    results.put((started, finished, made, refused))


def run_workers(
    mode: str, site: dict[str, Any], plans: list[list[tuple[int, int]]]
) -> tuple[float, int, int]:
    from django.db import connections

    connections.close_all()
    context = mp.get_context("fork")
    barrier = context.Barrier(len(plans))
    results = context.Queue()
    processes = [context.Process(target=worker, args=(mode, site, plan, barrier, results)) for plan in plans]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=900) for _ in processes]
    for process in processes:
        process.join()
    made, refused = sum(o[2] for o in outcomes), sum(o[3] for o in outcomes)
    return (made + refused) / (max(o[1] for o in outcomes) - min(o[0] for o in outcomes)), made, refused


def plans(site: dict[str, Any], scenario: str, workers: int, per_worker: int) -> list[list[tuple[int, int]]]:
    products = site["products"]
    total = per_worker + WARMUP
    result = []
    for w in range(workers):
        chosen = (
            [products[0]] * total
            if scenario == "hot"
            else [products[(w + i * workers) % len(products)] for i in range(total)]
        )
        result.append(list(zip(draft_lines(site, chosen), chosen, strict=True)))
    return result


def parallel_promising(workers: int, per_worker: int, rounds: int) -> None:
    from nexus.core import scope
    from supply_chain_ops.models import Promise

    site = promising_site(PROMISE_PRODUCTS, Decimal(1_000_000))
    rates: dict[tuple[str, str], list[float]] = {}
    print(f"\n2. Parallel promising, {workers} processes x {per_worker} promises, {rounds} rounds")
    for round_number in range(1, rounds + 1):
        for scenario in ("hot", "spread"):
            for mode in STEPS:
                rate, made, refused = run_workers(mode, site, plans(site, scenario, workers, per_worker))
                rates.setdefault((mode, scenario), []).append(rate)
                print(f"   round {round_number}, {scenario:6}, {mode:8}: {rate:7.0f}/s", flush=True)
    labels = {"hot": "1 hot product", "spread": f"{PROMISE_PRODUCTS} products"}
    ratios: dict[str, list[float]] = {"orm": [], "orm_netting": []}
    for scenario in ("hot", "spread"):
        median = {mode: statistics.median(rates[(mode, scenario)]) for mode in STEPS}
        for baseline in ratios:
            ratios[baseline].append(median["service"] / median[baseline])
        print(
            f"   {labels[scenario]:15} orm {median['orm']:6.0f}/s  "
            f"orm_netting {median['orm_netting']:6.0f}/s  "
            f"service {median['service']:6.0f}/s  service/orm {median['service'] / median['orm']:.0%}  "
            f"service/orm_netting {median['service'] / median['orm_netting']:.0%}"
        )
    exact = True
    for mode in STEPS:
        stock = workers * per_worker // 2
        scarce = promising_site(1, Decimal(stock + workers * WARMUP))
        _, made, refused = run_workers(mode, scarce, plans(scarce, "hot", workers, per_worker))
        with scope.tenant(scarce["tenant"]):
            total = sum(p.quantity for p in Promise.objects.all())
        exact &= made == stock and total == stock + workers * WARMUP
        print(
            f"   scarce, {mode:8}: {stock} promisable, {made} promised, {refused} refused, "
            f"{total:f} in promises"
        )
    print(f"   over-promise: {'none' if exact else 'FOUND'}")
    for baseline, found in ratios.items():
        verdict = "met" if min(found) >= PROMISE_TARGET else "MISSED"
        print(f"   target (service >= {PROMISE_TARGET:.0%} of {baseline} in both scenarios): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--warehouses", type=int, default=5)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--per-worker", type=int, default=100)
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()

    url = create_database()
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"PostgreSQL database {DATABASE!r}, {os.cpu_count()} CPUs", flush=True)
    start = dt.date.today()
    if not args.skip_batch:
        began = time.perf_counter()
        site = create_data(args.products, args.warehouses, args.days, start)
        print(f"data: {time.perf_counter() - began:.0f} s to write", flush=True)
        batch_atp(site, start, args.days, args.rounds)
    parallel_promising(args.workers, args.per_worker, args.rounds)


if __name__ == "__main__":
    main()
