"""Reservation throughput: ``services.reserve`` against the same statements, bare.

Each reservation is one transaction of three statements:

1. the conditional update of the availability row
   (``UPDATE inventory_stockavailability SET reserved = reserved + q ... WHERE on_hand_sellable
   >= reserved + q``), which is the whole concurrency control: no over-reservation is possible;
2. the insert of the reservation;
3. the insert of its ``inventory.reservation_changed`` outbox event.

Three ways of running it are measured in the same run:

- **service**: ``nexus.inventory.services.reserve`` (which also loads and checks the product
  and validates the event payload against the catalogue);
- **orm**: a bare Django loop issuing the same statements (``atomic``, ``filter().update()``,
  two ``create()``);
- **psycopg**: the same statements as plain SQL on one psycopg connection per process.

Worker processes (8 by default) reserve one unit at a time, first all on one hot product (every
transaction queues on the same row lock), then spread over 1,000 products. Modes and scenarios
are interleaved over several rounds and the median is kept. Then every mode runs once more
against scarce stock (half of what the workers ask for) to show that exactly the stock there is
gets reserved, and the ledger check confirms reserved == the open reservations everywhere.

The benchmark creates its own database (``nexus_bench_reservations``, dropped first) as the
ordinary role ``nexus``: ``.venv/bin/python bench/reservations.py``. See bench/README.md.
"""

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE = "nexus_bench_reservations"
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://nexus@127.0.0.1:5432")
EVENT = "inventory.reservation_changed"
MODES = ("psycopg", "orm", "service")
SCENARIOS = ("hot", "spread")
PRODUCTS = 1000
PLENTY = Decimal(1_000_000_000)
ONE = Decimal(1)
REQUIRED = date(2027, 1, 15)
SOURCE_TYPE = "bench.line"
WARMUP = 30
TARGET_RATIO = 0.6


class Refused(Exception):
    """Not enough free stock: the conditional update changed no row."""


@dataclass(frozen=True)
class Site:
    tenant_id: int
    warehouse_id: int
    products: list[int]


@dataclass(frozen=True)
class Run:
    mode: str
    scenario: str
    per_second: float
    cpu_ms: float  # the worker processes' own CPU time per reservation


def create_database() -> str:
    """Drop and create the benchmark database owned by the connecting role; return its URL."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    return f"{SERVER}/{DATABASE}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "nexus.settings.test"
    import django

    django.setup()


def create_site(products: int) -> Site:
    """A tenant, a warehouse with a stock location, and ``products`` products with plenty of stock."""
    from nexus.core import scope
    from nexus.core.models.refs import ActorRef
    from nexus.inventory import services
    from nexus.inventory.models import Location, MoveReason, Product, Warehouse
    from nexus.tenancy.models import Tenant

    tenant = Tenant.objects.create(slug="bench", name="Bench")
    with scope.tenant(tenant):
        warehouse = Warehouse.objects.create(code="BENCH", name="Bench warehouse")
        stock = Location.objects.create(warehouse=warehouse, code="STOCK")
        rows = Product.objects.bulk_create(
            [
                Product(tenant_id=tenant.pk, sku=f"B-{n:04d}", name=f"Bench product {n}")
                for n in range(products)
            ]
        )
        ids = [row.pk for row in rows]
        for start in range(0, len(ids), 250):
            services.post_moves(
                [
                    services.MoveRequest(
                        pk, MoveReason.RECEIPT, PLENTY, to_location_id=stock.pk, unit_cost="1.00"
                    )
                    for pk in ids[start : start + 250]
                ],
                actor=ActorRef.system("bench"),
            )
    return Site(tenant.pk, warehouse.pk, ids)


def scarce_product(site: Site, quantity: int) -> int:
    """A new product with exactly ``quantity`` units in stock."""
    from nexus.core import scope
    from nexus.core.models.refs import ActorRef
    from nexus.inventory import services
    from nexus.inventory.models import Location, Product

    with scope.tenant(site.tenant_id):
        product = Product.objects.create(sku=f"SCARCE-{time.monotonic_ns()}", name="Scarce")
        stock = Location.objects.get(warehouse_id=site.warehouse_id, code="STOCK")
        services.receive(product.pk, stock.pk, quantity, "1.00", actor=ActorRef.system("bench"))
    return product.pk


# --- the three ways of making one reservation -----------------------------------------------


def reserve_service(product_id: int, line: int, site: Site, state: dict[str, Any]) -> None:
    from nexus.core.errors import Conflict
    from nexus.inventory import services

    request = services.ReservationRequest(
        product_id, site.warehouse_id, ONE, REQUIRED, services.SourceRef(SOURCE_TYPE, line)
    )
    try:
        services.reserve(request, actor=state["actor"])
    except Conflict as refused:
        raise Refused from refused


def payload(reservation_id: int, product_id: int, warehouse_id: int, line: int) -> dict[str, Any]:
    return {
        "reservation_id": reservation_id,
        "product_id": product_id,
        "warehouse_id": warehouse_id,
        "quantity": "1.0000",
        "consumed_quantity": "0.0000",
        "required_date": REQUIRED.isoformat(),
        "state": "held",
        "previous_state": None,
        "source_type": SOURCE_TYPE,
        "source_id": line,
        "schema_version": 1,
    }


def reserve_orm(product_id: int, line: int, site: Site, state: dict[str, Any]) -> None:
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from nexus.core.models import OutboxEvent
    from nexus.inventory.models import Reservation, StockAvailability

    now = timezone.now()
    with transaction.atomic():
        taken = (
            StockAvailability.objects.filter(product_id=product_id, warehouse_id=site.warehouse_id)
            .filter(on_hand_sellable__gte=F("reserved") + ONE)
            .update(reserved=F("reserved") + ONE, updated_at=now)
        )
        if taken != 1:
            raise Refused
        reservation = Reservation.objects.create(
            tenant_id=site.tenant_id,
            product_id=product_id,
            warehouse_id=site.warehouse_id,
            quantity=ONE,
            required_date=REQUIRED,
            source_type=SOURCE_TYPE,
            source_id=line,
            actor_kind="system",
            actor_label="bench",
        )
        OutboxEvent.objects.create(
            tenant_id=site.tenant_id,
            name=EVENT,
            payload=payload(reservation.pk, product_id, site.warehouse_id, line),
            enqueued_at=now,
        )


TAKE = (
    "UPDATE inventory_stockavailability SET reserved = reserved + %s, updated_at = %s "
    "WHERE tenant_id = %s AND product_id = %s AND warehouse_id = %s AND on_hand_sellable >= reserved + %s"
)
HOLD = (
    "INSERT INTO inventory_reservation (tenant_id, actor_kind, actor_id, actor_label, product_id, "
    "warehouse_id, quantity, consumed_quantity, required_date, source_type, source_id, state, "
    "expires_at, note, created_at, updated_at) "
    "VALUES (%s, 'system', '', 'bench', %s, %s, 1, 0, %s, %s, %s, 'held', NULL, '', %s, %s) RETURNING id"
)
OUTBOX = (
    "INSERT INTO core_outboxevent (tenant_id, name, schema_version, payload, occurred_at, request_id, "
    "historical, enqueued_at) VALUES (%s, %s, 1, %s, %s, '', false, %s)"
)


def reserve_psycopg(product_id: int, line: int, site: Site, state: dict[str, Any]) -> None:
    conn: psycopg.Connection[Any] = state["conn"]
    now = datetime.now(UTC)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(TAKE, [ONE, now, site.tenant_id, product_id, site.warehouse_id, ONE])
        if cur.rowcount != 1:
            raise Refused  # leaving the block rolls the transaction back
        cur.execute(
            HOLD, [site.tenant_id, product_id, site.warehouse_id, REQUIRED, SOURCE_TYPE, line, now, now]
        )
        reservation_id = cur.fetchone()[0]  # type: ignore[index]
        body = payload(reservation_id, product_id, site.warehouse_id, line)
        cur.execute(OUTBOX, [site.tenant_id, EVENT, Jsonb(body), now, now])


STEPS = {"psycopg": reserve_psycopg, "orm": reserve_orm, "service": reserve_service}


# --- processes ------------------------------------------------------------------------------


def worker(mode: str, url: str, site: Site, products: list[int], barrier: Barrier, results: Any) -> None:
    """Warm up, wait for every worker, then reserve one unit of each product in turn, timed."""
    from nexus.core import scope
    from nexus.core.models.refs import ActorRef

    state: dict[str, Any] = {"actor": ActorRef.system("bench")}
    if mode == "psycopg":
        state["conn"] = psycopg.connect(url, autocommit=True)
        state["conn"].execute("SELECT set_config('app.tenant_id', %s, false)", [str(site.tenant_id)])
    step = STEPS[mode]
    held = refused = 0
    with scope.tenant(site.tenant_id):
        for line, product_id in enumerate(products[:WARMUP], start=1):
            step(product_id, line, site, state)
        barrier.wait()
        started, cpu_started = time.monotonic(), time.process_time()
        for line, product_id in enumerate(products[WARMUP:], start=WARMUP + 1):
            try:
                step(product_id, line, site, state)
            except Refused:
                refused += 1
            else:
                held += 1
        finished, cpu = time.monotonic(), time.process_time() - cpu_started
    results.put((started, finished, held, refused, cpu))


def run_workers(mode: str, url: str, site: Site, plans: list[list[int]]) -> tuple[float, float, int, int]:
    """Run one worker per plan; return (attempts per second, CPU ms per attempt, held, refused)."""
    from django.db import connections

    connections.close_all()  # the children must not share the parent's connection
    context = mp.get_context("fork")
    barrier = context.Barrier(len(plans))
    results = context.Queue()
    processes = [
        context.Process(target=worker, args=(mode, url, site, plan, barrier, results)) for plan in plans
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=900) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a {mode} worker failed (exit code {process.exitcode})")
    started = min(outcome[0] for outcome in outcomes)
    finished = max(outcome[1] for outcome in outcomes)
    held = sum(outcome[2] for outcome in outcomes)
    refused = sum(outcome[3] for outcome in outcomes)
    cpu = sum(outcome[4] for outcome in outcomes)
    return (held + refused) / (finished - started), 1000 * cpu / (held + refused), held, refused


def plans_for(scenario: str, site: Site, workers: int, per_worker: int) -> list[list[int]]:
    """What each worker reserves: the hot product every time, or its own walk over all products."""
    total = per_worker + WARMUP
    if scenario == "hot":
        return [[site.products[0]] * total for _ in range(workers)]
    count = len(site.products)
    return [[site.products[(w + i * workers) % count] for i in range(total)] for w in range(workers)]


def scarce_run(
    mode: str, url: str, site: Site, workers: int, per_worker: int
) -> tuple[int, int, int, Decimal]:
    """Workers ask for twice the stock there is; return (stock, held, refused, reserved)."""
    from nexus.core import scope
    from nexus.inventory.models import StockAvailability

    stock = workers * per_worker // 2
    product_id = scarce_product(site, stock + workers * WARMUP)
    _, _, held, refused = run_workers(mode, url, site, [[product_id] * (per_worker + WARMUP)] * workers)
    with scope.tenant(site.tenant_id):
        row = StockAvailability.objects.get(product_id=product_id)
    assert row.reserved <= row.on_hand_sellable
    return stock, held, refused, row.reserved - workers * WARMUP


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8, help="worker processes (default 8)")
    parser.add_argument(
        "--per-worker", type=int, default=400, help="timed reservations per worker (default 400)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds per mode; the median is kept (default 3)"
    )
    args = parser.parse_args()

    url = create_database()
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    site = create_site(PRODUCTS)
    print(
        f"{args.workers} worker processes x {args.per_worker} reservations, {args.rounds} rounds, "
        f"{PRODUCTS} products, PostgreSQL database {DATABASE!r}, {os.cpu_count()} CPUs",
        flush=True,
    )

    runs: list[Run] = []
    # Scenarios and modes alternate within each round, so that a change in the machine's load
    # during the run weighs on all of them alike.
    for round_number in range(1, args.rounds + 1):
        for scenario in SCENARIOS:
            for mode in MODES:
                plans = plans_for(scenario, site, args.workers, args.per_worker)
                rate, cpu_ms, held, refused = run_workers(mode, url, site, plans)
                if refused:
                    raise SystemExit(f"{mode} refused {refused} reservations of plentiful stock")
                runs.append(Run(mode, scenario, rate, cpu_ms))
                line = f"  round {round_number}, {scenario:6}, {mode:8}: {rate:8.0f}/s"
                print(f"{line}, {cpu_ms:5.2f} ms CPU each", flush=True)

    def median(mode: str, scenario: str) -> float:
        return statistics.median(r.per_second for r in runs if r.mode == mode and r.scenario == scenario)

    def cpu(mode: str, scenario: str) -> float:
        return statistics.median(r.cpu_ms for r in runs if r.mode == mode and r.scenario == scenario)

    print()
    print(f"{'':14}{'psycopg':>10}{'orm':>10}{'service':>10}{'service/orm':>14}{'service/psycopg':>17}")
    labels = {"hot": "1 hot product", "spread": f"{PRODUCTS} products"}
    for scenario in SCENARIOS:
        raw, orm, service = (median(mode, scenario) for mode in MODES)
        print(
            f"{labels[scenario]:14}{raw:>10.0f}{orm:>10.0f}{service:>10.0f}"
            f"{service / orm:>14.0%}{service / raw:>17.0%}"
        )

    # The worker processes' own CPU per reservation is much less sensitive to other load on the
    # machine than the rate; the ratios say what fraction of the service's CPU the baseline spends.
    print("\nClient CPU per reservation, ms")
    print(f"{'':14}{'psycopg':>10}{'orm':>10}{'service':>10}{'orm/service':>14}{'psycopg/service':>17}")
    for scenario in SCENARIOS:
        raw, orm, service = (cpu(mode, scenario) for mode in MODES)
        figures = f"{raw:>10.2f}{orm:>10.2f}{service:>10.2f}"
        print(f"{labels[scenario]:14}{figures}{orm / service:>14.0%}{raw / service:>17.0%}")

    print("\nScarce stock (the workers ask for twice what is there):")
    exact = True
    for mode in MODES:
        stock, held, refused, reserved = scarce_run(mode, url, site, args.workers, args.per_worker)
        exact &= held == stock and reserved == stock
        print(
            f"  {mode:8}: {stock} in stock, {held} held, {refused} refused, {reserved.normalize():f} reserved"
        )

    from nexus.core import scope
    from nexus.inventory.services import check_stock_ledger

    with scope.tenant(site.tenant_id):
        differences = check_stock_ledger()
    print(f"\nledger check: {'clean' if not differences else differences[0]}")
    over = "none" if exact and not differences else "FOUND"
    print(f"over-reservation: {over}")
    fast_enough = min(median("service", s) / median("orm", s) for s in SCENARIOS) >= TARGET_RATIO
    verdict = "met" if fast_enough else "MISSED"
    print(f"target (service >= {TARGET_RATIO:.0%} of bare ORM in both scenarios): {verdict}")


if __name__ == "__main__":
    main()
