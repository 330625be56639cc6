"""Transition throughput: the full transition service against the same statements, bare.

Each measured transaction locks one row, changes its state, and writes a transition log row, an
audit event and an outbox event:

- **service**: ``perform_transition`` (lock, re-check state and permission, save the changed
  fields, log, audit, publish the declared event);
- **orm**: a bare Django loop issuing the same statements (``atomic``,
  ``select_for_update().get()``, ``save(update_fields=...)``, the inserts as ``create()``);
- **psycopg**: the same statements as plain SQL on one psycopg connection per process.

Worker processes (8 by default) run at once, each on its own rows, all in one tenant and then
each in its own tenant, so a serialisation point per tenant (the audit chain, the outbox) would
show as a drop from eight tenants to one. Modes are interleaved over several rounds and the
median kept. The benchmark creates its own database (``nexus_bench``, dropped first) as the
ordinary role ``nexus``: run ``make bench``. See bench/README.md.
"""

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE = "nexus_bench"
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://nexus@127.0.0.1:5432")
EVENT = "kernel_example.gadget_archived"
MODES = ("psycopg", "orm", "service")
WARMUP = 30
PAYLOAD_HASH = "0" * 64
TARGET_RATIO = 0.6
NO_DROP_TOLERANCE = 0.05


@dataclass(frozen=True)
class Run:
    mode: str
    tenants: int
    per_second: float
    # Client CPU (the worker process's own) per transition: what the Python layers cost,
    # much less sensitive than the rate to other load on the machine.
    cpu_ms: float


def create_database() -> str:
    """Drop and create ``nexus_bench`` owned by the connecting role; return its URL."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    return f"{SERVER}/{DATABASE}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # The test settings bring the kernel's example app, whose Gadget has the transitions used here.
    os.environ["DJANGO_SETTINGS_MODULE"] = "nexus.settings.test"
    import django

    django.setup()


def declare_event() -> None:
    """Let ``Gadget.archive`` publish a public event, as a domain's transition would."""
    from nexus.core.events import CATALOGUE, EventSpec
    from nexus.core.events.catalogue import ID, TEXT
    from tests.kernel_example.models import Gadget

    CATALOGUE[EVENT] = EventSpec(
        EVENT, "A gadget was archived (benchmark).", {"gadget_id": ID, "status": TEXT}
    )
    for edge in Gadget.archive._django_fsm.transitions.values():
        edge.custom["event"] = EVENT


def create_tenants(count: int) -> list[int]:
    from nexus.tenancy.models import Tenant

    return [Tenant.objects.create(slug=f"bench-{n}", name=f"Bench {n}").pk for n in range(1, count + 1)]


def create_gadgets(tenant_id: int, count: int) -> list[int]:
    from django.db import connection

    from nexus.core import scope

    with scope.tenant(tenant_id), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO kernel_example_gadget (tenant_id, name, quantity, status) "
            "SELECT %s, 'bench ' || n, 1, 'draft' FROM generate_series(1, %s) n RETURNING id",
            [tenant_id, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


# --- the three ways of doing one transition -------------------------------------------------


def transition_service(pk: int, tenant_id: int, state: dict[str, Any]) -> None:
    from nexus.core.transitions import perform_transition
    from tests.kernel_example.models import Gadget

    perform_transition((Gadget, pk), "archive", actor=state["actor"])


def transition_orm(pk: int, tenant_id: int, state: dict[str, Any]) -> None:
    from django.db import transaction
    from django.utils import timezone

    from nexus.core.models import AuditEvent, OutboxEvent, TransitionLog
    from tests.kernel_example.models import Gadget

    with transaction.atomic():
        gadget = Gadget.objects.select_for_update().get(pk=pk)
        from_state = gadget.status
        gadget.archive()
        gadget.save(update_fields=["quantity", "status"])
        log = TransitionLog.objects.create(
            tenant_id=tenant_id,
            actor_kind="system",
            actor_id="",
            actor_label="bench",
            object_type="kernel_example.gadget",
            object_id=str(pk),
            transition="archive",
            from_state=from_state,
            to_state=gadget.status,
            payload_hash=PAYLOAD_HASH,
        )
        AuditEvent.objects.create(
            tenant_id=tenant_id,
            actor_kind="system",
            actor_id="",
            actor_label="bench",
            action="kernel_example.gadget.archive",
            object_type="kernel_example.gadget",
            object_id=str(pk),
            object_label=gadget.name,
            data={
                "transition_log_id": log.pk,
                "from_state": from_state,
                "to_state": gadget.status,
                "reason": "",
                "idempotency_key": "",
            },
        )
        OutboxEvent.objects.create(
            tenant_id=tenant_id,
            name=EVENT,
            payload={"gadget_id": pk, "status": gadget.status, "schema_version": 1},
            enqueued_at=timezone.now(),
        )


LOCK = (
    "SELECT id, tenant_id, name, kind_id, quantity, status FROM kernel_example_gadget "
    "WHERE tenant_id = %s AND id = %s LIMIT 21 FOR UPDATE"
)
SAVE = "UPDATE kernel_example_gadget SET quantity = 0, status = %s WHERE id = %s"
LOG = (
    "INSERT INTO core_transitionlog (tenant_id, actor_kind, actor_id, actor_label, object_type, object_id, "
    "transition, from_state, to_state, reason, idempotency_key, payload_hash, occurred_at) "
    "VALUES (%s, 'system', '', 'bench', 'kernel_example.gadget', %s, 'archive', %s, 'archived', '', '', "
    "%s, %s) RETURNING id"
)
AUDIT = (
    "INSERT INTO core_auditevent (tenant_id, actor_kind, actor_id, actor_label, occurred_at, action, "
    "object_type, object_id, object_label, data, personal, request_id, sequence, prev_hash, hash, sealed_at) "
    "VALUES (%s, 'system', '', 'bench', %s, 'kernel_example.gadget.archive', 'kernel_example.gadget', "
    "%s, %s, %s, NULL, '', NULL, '', '', NULL) RETURNING id"
)
OUTBOX = (
    "INSERT INTO core_outboxevent (tenant_id, name, schema_version, payload, occurred_at, request_id, "
    "historical, enqueued_at) VALUES (%s, %s, 1, %s, %s, '', false, %s) RETURNING id"
)


def transition_psycopg(pk: int, tenant_id: int, state: dict[str, Any]) -> None:
    conn: psycopg.Connection[Any] = state["conn"]
    now = datetime.now(UTC)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(LOCK, [tenant_id, pk])
        _id, _tenant, name, _kind, _quantity, from_state = cur.fetchone()  # type: ignore[misc]
        cur.execute(SAVE, ["archived", pk])
        log_id = cur.execute(LOG, [tenant_id, str(pk), from_state, PAYLOAD_HASH, now]).fetchone()[0]  # type: ignore[index]
        data = {
            "transition_log_id": log_id,
            "from_state": from_state,
            "to_state": "archived",
            "reason": "",
            "idempotency_key": "",
        }
        cur.execute(AUDIT, [tenant_id, now, str(pk), name, Jsonb(data)])
        payload = {"gadget_id": pk, "status": "archived", "schema_version": 1}
        cur.execute(OUTBOX, [tenant_id, EVENT, Jsonb(payload), now, now])


STEPS = {"psycopg": transition_psycopg, "orm": transition_orm, "service": transition_service}


# --- processes ------------------------------------------------------------------------------


def worker(mode: str, url: str, tenant_id: int, ids: list[int], barrier: Barrier, results: Any) -> None:
    """Warm up on the first ids, wait for every worker, then time the rest."""
    from nexus.core import scope
    from nexus.core.models.refs import ActorRef

    state: dict[str, Any] = {"actor": ActorRef.system("bench")}
    if mode == "psycopg":
        state["conn"] = psycopg.connect(url, autocommit=True)
        state["conn"].execute("SELECT set_config('app.tenant_id', %s, false)", [str(tenant_id)])
    step = STEPS[mode]
    with scope.tenant(tenant_id):
        for pk in ids[:WARMUP]:
            step(pk, tenant_id, state)
        barrier.wait()
        started, cpu_started = time.monotonic(), time.process_time()
        for pk in ids[WARMUP:]:
            step(pk, tenant_id, state)
        finished, cpu = time.monotonic(), time.process_time() - cpu_started
    results.put((started, finished, len(ids) - WARMUP, cpu))


def measure(mode: str, url: str, tenant_ids: list[int], workers: int, per_worker: int) -> tuple[float, float]:
    """Transitions per second over all workers (first start to last finish), client CPU ms each."""
    from django.db import connections

    assignments = [(tenant_ids[i % len(tenant_ids)]) for i in range(workers)]
    rows = [create_gadgets(tenant_id, per_worker + WARMUP) for tenant_id in assignments]
    connections.close_all()  # the children must not share the parent's connection
    context = mp.get_context("fork")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=worker, args=(mode, url, tenant_id, ids, barrier, results))
        for tenant_id, ids in zip(assignments, rows, strict=True)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a {mode} worker failed (exit code {process.exitcode})")
    started = min(outcome[0] for outcome in outcomes)
    finished = max(outcome[1] for outcome in outcomes)
    count = sum(outcome[2] for outcome in outcomes)
    return count / (finished - started), sum(outcome[3] for outcome in outcomes) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8, help="worker processes (default 8)")
    parser.add_argument(
        "--per-worker", type=int, default=400, help="timed transitions per worker (default 400)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds per mode; the median is kept (default 5)"
    )
    args = parser.parse_args()

    url = create_database()
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    declare_event()
    tenants = create_tenants(args.workers)
    print(
        f"{args.workers} worker processes x {args.per_worker} transitions, {args.rounds} rounds, "
        f"PostgreSQL database {DATABASE!r}, {os.cpu_count()} CPUs",
        flush=True,
    )

    runs: list[Run] = []
    # Scenarios and modes alternate within each round, so that a change in the machine's load
    # during the run weighs on all of them alike.
    for round_number in range(1, args.rounds + 1):
        for tenant_ids in (tenants, tenants[:1]):
            for mode in MODES:
                rate, cpu_ms = measure(mode, url, tenant_ids, args.workers, args.per_worker)
                runs.append(Run(mode, len(tenant_ids), rate, cpu_ms))
                print(
                    f"  round {round_number}, {len(tenant_ids)} tenant(s), {mode:8}: {rate:8.0f}/s, "
                    f"client CPU {cpu_ms:5.2f} ms per transition",
                    flush=True,
                )

    def median(mode: str, tenant_count: int) -> float:
        return statistics.median(r.per_second for r in runs if r.mode == mode and r.tenants == tenant_count)

    print()
    print(f"{'':12}{'psycopg':>10}{'orm':>10}{'service':>10}{'service/orm':>14}{'service/psycopg':>17}")
    for tenant_count in (len(tenants), 1):
        raw, orm, service = (median(mode, tenant_count) for mode in MODES)
        label = f"{tenant_count} tenant{'s' if tenant_count > 1 else ''}"
        print(
            f"{label:12}{raw:>10.0f}{orm:>10.0f}{service:>10.0f}{service / orm:>14.0%}{service / raw:>17.0%}"
        )
    print("\nclient CPU per transition (ms, median over both scenarios' rounds):")
    for mode in MODES:
        cpu_ms = statistics.median(r.cpu_ms for r in runs if r.mode == mode)
        print(f"  {mode:8} {cpu_ms:5.2f}")
    print()
    for mode in MODES:
        one, many = median(mode, 1), median(mode, len(tenants))
        print(f"{mode}, one tenant against {len(tenants)}: {one / many:.0%}")
    fast_enough = min(median("service", n) / median("orm", n) for n in (1, len(tenants))) >= TARGET_RATIO
    # Within the run's noise (NO_DROP_TOLERANCE), the service keeps its rate with one tenant.
    no_drop = median("service", 1) >= median("service", len(tenants)) * (1 - NO_DROP_TOLERANCE)
    print(
        f"\ntarget (service >= {TARGET_RATIO:.0%} of bare ORM; no drop from {len(tenants)} tenants to one): ",
        end="",
    )
    print("met" if fast_enough and no_drop else "MISSED")


if __name__ == "__main__":
    main()
