"""Scale: the large demo (``load_demo --size large``) loaded and timed, then its main lists measured.

``load`` creates the benchmark database (``nexus_bench_scale``, dropped first) as the ordinary
role ``nexus``, migrates it and loads the large shape into one tenant with the demo's loader
(set-based, with its progress bar), timing each step. ``--days`` loads a slice of the two years
(the same products, warehouses and daily rate of orders over fewer days) when the whole cannot
be loaded in the time at hand; the totals then scale with the days.

``lists`` opens, in-process with Django's test client as the tenant's administrator (outside
the test environment, whose template instrumentation would be timed too), the main admin lists
and their API lists, first page and a filtered page, ``--rounds`` times each after a warm-up,
and prints each one's query count (two rounds counted: the same, constant) and p50/p95 latency.

    .venv/bin/python bench/scale.py [load|lists|both] [--days 730] [--rounds 20]

See bench/README.md.
"""

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE = os.environ.get("BENCH_SCALE_DATABASE", "nexus_bench_scale")
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://nexus@127.0.0.1:5432")
ADMIN_EMAIL = "bench-admin@example.com"
TARGET_MS = 200.0


def create_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "nexus.settings.test"
    import django

    django.setup()


class TimedOutput:
    """The loader's progress bar, each line stamped with the seconds since the previous one."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()

    def write(self, text: str, /) -> None:
        now = time.perf_counter()
        for line in text.splitlines():
            if line.strip():
                sys.stdout.write(f"{now - self.last:8.1f}s  {line.strip()}\n")
        self.last = now

    def flush(self) -> None:
        sys.stdout.flush()


def load(days: int) -> None:
    from django.core.management import call_command

    from nexus.accounts.models import User
    from nexus.core.models.refs import ActorRef
    from nexus.demo.loaders import load_history
    from nexus.demo.loaders.dropship import load_dropship
    from nexus.demo.loaders.landed_costs import load_landed_costs
    from nexus.demo.loaders.rmas import load_rmas
    from nexus.demo.loaders.sizes import SIZES
    from nexus.demo.loaders.transfers import load_transfers
    from nexus.tenancy.models import Role
    from nexus.tenancy.services import add_member, create_tenant

    create_database()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f}s")
    actor = ActorRef.system("bench/scale.py")
    admin = User.objects.create_superuser(ADMIN_EMAIL, "not-used", full_name="Bench Admin")
    admin.is_platform_operator = True
    admin.save(update_fields=["is_platform_operator"])
    tenant = create_tenant(name="Scale Co", slug="scale", actor=actor)
    add_member(email=ADMIN_EMAIL, tenant_slug="scale", role=Role.ADMIN, actor=actor)
    shape = replace(SIZES["large"], days=days)
    print(f"loading {shape}")
    started = time.perf_counter()
    loaded = load_history(tenant, size=shape, out=TimedOutput())
    elapsed = time.perf_counter() - started
    load_transfers(tenant, admin)
    load_landed_costs(tenant, admin)
    load_dropship(tenant, admin)
    load_rmas(tenant, admin)
    with psycopg.connect(f"{SERVER}/{DATABASE}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    print(
        f"\nloaded {loaded.products} products, {loaded.purchase_orders} purchase orders, "
        f"{loaded.sales_orders} sales orders, {loaded.stock_moves} stock moves "
        f"over {days} days in {elapsed:.0f}s ({elapsed / 60:.1f} min)"
    )
    if days < SIZES["large"].days:
        factor = SIZES["large"].days / days
        print(
            f"scaled to {SIZES['large'].days} days (x{factor:.1f}): about "
            f"{loaded.sales_orders * factor:,.0f} sales orders, "
            f"{loaded.stock_moves * factor:,.0f} stock moves, "
            f"{elapsed * factor / 60:.0f} min"
        )


def lists() -> list[tuple[str, str]]:
    """(label, URL) of every list measured: admin and API, first page and a filtered page."""
    from nexus.inventory.models import Product, Warehouse
    from nexus.sales.models import Customer

    warehouse = Warehouse.objects.order_by("id").first()
    product = Product.objects.order_by("id").first()
    customer = Customer.objects.order_by("id").first()
    if warehouse is None or product is None or customer is None:
        raise SystemExit("nothing loaded: run the load step first")
    since = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    return [
        ("admin purchase orders", "/admin/procurement/purchaseorder/"),
        ("admin purchase orders ?status=sent", "/admin/procurement/purchaseorder/?status__exact=sent"),
        ("admin sales orders", "/admin/sales/salesorder/"),
        ("admin sales orders ?status=confirmed", "/admin/sales/salesorder/?status__exact=confirmed"),
        ("admin stock moves", "/admin/inventory/stockmove/"),
        ("admin stock moves ?reason=receipt", "/admin/inventory/stockmove/?reason__exact=receipt"),
        ("admin stock balances", "/admin/inventory/stockbalance/"),
        ("admin stock balances ?q=sku", f"/admin/inventory/stockbalance/?q={product.sku}"),
        ("admin RMAs", "/admin/supply_chain_ops/rma/"),
        (
            "admin RMAs ?status=awaiting_receipt",
            "/admin/supply_chain_ops/rma/?status__exact=awaiting_receipt",
        ),
        ("admin landed costs", "/admin/supply_chain_ops/landedcost/"),
        ("admin landed costs ?status=posted", "/admin/supply_chain_ops/landedcost/?status__exact=posted"),
        ("admin audit events", "/admin/core/auditevent/"),
        ("admin audit events ?q=order", "/admin/core/auditevent/?q=order"),
        ("api purchase orders", "/api/v1/purchase-orders/"),
        ("api purchase orders ?status=sent", "/api/v1/purchase-orders/?status=sent"),
        ("api sales orders", "/api/v1/sales-orders/"),
        ("api sales orders ?customer", f"/api/v1/sales-orders/?customer={customer.pk}&status=shipped"),
        ("api stock moves", "/api/v1/stock-moves/"),
        ("api stock moves ?product", f"/api/v1/stock-moves/?product={product.pk}"),
        (
            "api stock moves ?warehouse&after",
            f"/api/v1/stock-moves/?warehouse={warehouse.pk}&occurred_after={since}T00:00:00Z",
        ),
        ("api stock balances", "/api/v1/stock-balances/"),
        ("api stock balances ?product", f"/api/v1/stock-balances/?product={product.pk}"),
        ("api RMAs", "/api/v1/rmas/"),
        ("api RMAs ?status", "/api/v1/rmas/?status=awaiting_receipt"),
        ("api landed costs", "/api/v1/landed-costs/"),
        ("api audit events", "/api/v1/audit-events/"),
        ("api audit events ?action", "/api/v1/audit-events/?action=transition"),
    ]


def measure(rounds: int) -> None:
    """Time each list ``rounds`` times after a warm-up, as a server would serve it.

    Not through Django's test environment: it instruments template rendering (copying every
    context a template renders, for the test client's ``response.context``), which costs an
    admin page more than its queries. The queries are counted in the warm-up round alone, so
    that no round is timed with the query log on.
    """
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nexus.accounts.models import User
    from nexus.core import scope
    from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
    from nexus.tenancy.models import Tenant

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    gc.freeze()  # as the server's entry point does once the application is loaded (nexus/wsgi.py)

    with scope.tenant(Tenant.objects.get(slug="scale")):
        urls = lists()
    client = Client(HTTP_X_TENANT="scale")
    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    session = client.session  # the admin's tenant, as picking it in the admin does
    session[SELECTED_TENANT_SESSION_KEY] = Tenant.objects.get(slug="scale").pk
    session.save()
    print(f"\n{'list':42} {'status':>6} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8}")
    worst = 0.0
    for label, url in urls:
        counts: set[int] = set()
        for _ in range(2):  # the first warms caches; a round may add the session's query
            with CaptureQueriesContext(connection) as queries:
                response: Any = client.get(url)
            counts.add(len(queries))  # now: the next request clears the query log
        timings: list[float] = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1]
        worst = max(worst, p95)
        count = "/".join(str(c) for c in sorted(counts))
        print(
            f"{label:42} {response.status_code:>6} {count:>8} {statistics.median(timings):8.1f} {p95:8.1f}",
            flush=True,
        )
    verdict = "met" if worst < TARGET_MS else "NOT met"
    print(f"\nworst p95 {worst:.0f} ms; target under {TARGET_MS:.0f} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", nargs="?", choices=["load", "lists", "both"], default="both")
    parser.add_argument("--days", type=int, default=730, help="days of history to load (730: the whole)")
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    setup_django()
    if options.step in ("load", "both"):
        load(options.days)
    if options.step in ("lists", "both"):
        measure(options.rounds)


if __name__ == "__main__":
    main()
