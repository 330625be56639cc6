"""Fault: PostgreSQL restarts while Nexus is under load.

The machine's PostgreSQL is never touched: the check creates a private cluster of its own
(``initdb`` into a temporary directory, ``pg_ctl`` on a free port, run as the ``postgres`` system
user when started as root), with the ordinary role ``nexus`` (no superuser, no RLS bypass). The
production shape (``bench/faults/shape.py``: web, worker, beat, a private Redis as broker and
cache) serves from it. ``--clients`` threads create purchase orders of three lines and read the
order list through the API as fast as they are answered; meanwhile the cluster is restarted
(``pg_ctl restart -m fast``: every connection is cut, in-flight transactions roll back).

Passes when every answer is a success or a 503 in the error shape (``code``, ``detail``) — no
500, no dropped connection —, requests succeed again after the restart with no manual step, and
no document is half-written: every order the database holds has its three lines, and every
order a 201 answered exists.

    .venv/bin/python bench/faults/pg_restart.py [--clients 4] [--before 8] [--after 12]
"""

import argparse
import datetime as dt
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from shape import Shape, api_headers, free_port, production_env, setup_django, verdict

from tests.helpers.redis_server import RedisServer

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free port, in a temporary directory."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="nexus-fault-pg-"))
        self.data = self.directory / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.directory, "postgres")

    def _run(self, *command: str, check: bool = True) -> None:
        subprocess.run([*self.as_user, *command], check=check, stdout=subprocess.DEVNULL)

    def _ctl(self, action: str, *extra: str, check: bool = True) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        command = (str(BIN / "pg_ctl"), action, "-D", str(self.data), "-l", log, "-o", options, "-w", *extra)
        self._run(*command, check=check)

    def create(self) -> str:
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._ctl("start")
        admin = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        for statement in (
            "CREATE ROLE nexus LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS",
            "CREATE DATABASE nexus OWNER nexus",
        ):
            subprocess.run(["psql", admin, "-qc", statement], check=True)
        return f"postgres://nexus@127.0.0.1:{self.port}/nexus"

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def destroy(self) -> None:
        self._ctl("stop", "-m", "immediate", check=False)  # already stopped if the check failed early
        shutil.rmtree(self.directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--before", type=float, default=8.0, help="seconds of load before the restart")
    parser.add_argument("--after", type=float, default=12.0, help="seconds of load after it")
    options = parser.parse_args()
    binary = shutil.which("redis-server")
    assert binary, "the redis-server binary is needed for a private broker"
    redis = RedisServer(binary)
    redis.start()
    postgres = PrivatePostgres()
    env = production_env(
        DATABASE_URL=postgres.create(),
        CELERY_BROKER_URL=redis.url,
        CACHE_URL=redis.url.removesuffix("/0") + "/1",
        NEXUS_BIND=f"127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="2",
        CELERY_WORKER_CONCURRENCY="1",
    )
    shape = Shape("pg_restart", env)
    try:
        shape.manage("migrate", "--noinput", "--verbosity", "0")
        setup_django(env)
        run(shape, postgres, options)
    finally:
        shape.stop_all()
        postgres.destroy()
        redis.stop()


class Load:
    """Clients creating orders and reading the list; every answer kept with its time."""

    def __init__(self, shape: Shape, headers: dict[str, str], order: dict[str, object]) -> None:
        self.shape, self.headers, self.order = shape, headers, order
        self.answers: list[tuple[float, str, int, Any]] = []
        self.stopping = threading.Event()

    def client(self) -> None:
        while not self.stopping.is_set():
            for method, path, body in (
                ("POST", "/api/v1/purchase-orders/", self.order),
                ("GET", "/api/v1/purchase-orders/?page_size=5", None),
            ):
                status, answer = self.shape.request(method, path, body, self.headers, timeout=30)
                self.answers.append((time.monotonic(), method, status, answer))


def run(shape: Shape, postgres: PrivatePostgres, options: argparse.Namespace) -> None:
    from nexus.core import scope
    from nexus.inventory.models import Product, Warehouse
    from nexus.procurement.models import PurchaseOrder, PurchaseOrderLine, Vendor
    from nexus.tenancy.models import Tenant

    headers = api_headers("fault")
    with scope.tenant(Tenant.objects.get(slug="fault")):
        vendor = Vendor.objects.create(code="V1", name="Vendor", currency_id="USD", country="DE")
        warehouse = Warehouse.objects.create(code="WH1", name="Warehouse", city="Berlin", country="DE")
        products = [Product.objects.create(sku=f"P{n}", name=f"Product {n}", unit="pcs") for n in range(3)]
    expected = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    lines = [
        {"product": p.pk, "quantity": "2", "unit_price": "3.50", "expected_date": expected} for p in products
    ]
    order = {"vendor": vendor.pk, "warehouse": warehouse.pk, "lines": lines}
    shape.start("web")
    shape.start("worker")
    shape.start("beat")
    shape.wait_until(lambda: shape.request("GET", "/health/ready/")[0] == 200, 120, "the shape ready")
    status, body = shape.request("POST", "/api/v1/purchase-orders/", order, headers)
    assert status == 201, (status, body)

    load = Load(shape, headers, order)
    clients = [threading.Thread(target=load.client) for _ in range(options.clients)]
    for thread in clients:
        thread.start()
    time.sleep(options.before)
    restart_began = time.monotonic()
    postgres.restart()
    restart_ended = time.monotonic()
    print(
        f"PostgreSQL restarted (pg_ctl restart -m fast) in {restart_ended - restart_began:.1f} s under load"
    )
    time.sleep(options.after)
    load.stopping.set()
    for thread in clients:
        thread.join()

    failures: list[str] = []
    answers = load.answers
    by_status = Counter((method, status) for _at, method, status, _body in answers)
    print(f"answers: {sorted(by_status.items())}")
    for _at, method, status, answer in answers:
        if status == 503 and not (isinstance(answer, dict) and {"code", "detail"} <= set(answer)):
            failures.append(f"{method}: a 503 outside the error shape: {answer}")
        if status not in (200, 201, 503):
            failures.append(f"{method}: answered {status} {str(answer)[:200]}")
    unavailable = [at for at, _method, status, _body in answers if status == 503]
    if unavailable:
        print(
            f"503s from {unavailable[0] - restart_began:+.1f} s to {unavailable[-1] - restart_began:+.1f} s "
            "after the restart began"
        )
    recovered = [at for at, _method, status, _body in answers if at > restart_ended and status in (200, 201)]
    if not recovered:
        failures.append("no request succeeded after the restart")
    else:
        print(f"first success {recovered[0] - restart_ended:.1f} s after the restart ended")
    tail = [status for at, _method, status, _body in answers if at > restart_ended + 5]
    if any(status == 503 for status in tail):
        failures.append(f"{tail.count(503)} requests still failing 5 s after the restart")

    created = {
        body["id"]
        for _at, method, status, body in answers
        if method == "POST" and status == 201 and isinstance(body, dict)
    }
    with scope.system_context("fault check: whole documents after the restart", record=False):
        counts = Counter(PurchaseOrderLine.objects.values_list("order_id", flat=True))
        orders = set(PurchaseOrder.objects.values_list("id", flat=True))
    half_written = sorted(pk for pk in orders if counts[pk] != len(lines))
    print(
        f"orders in the database: {len(orders)}; answered 201: {len(created)}; "
        f"half-written: {len(half_written)}"
    )
    if half_written:
        failures.append(f"half-written orders: {half_written[:10]}")
    if created - orders:
        failures.append(f"orders answered 201 but missing: {sorted(created - orders)[:10]}")
    verdict(failures)


if __name__ == "__main__":
    main()
