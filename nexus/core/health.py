"""Liveness and readiness: is the process up, and can it reach what it depends on.

Each dependency check runs in its own thread with a deadline, so that one hung dependency
cannot make the probe itself hang; a check that misses the deadline counts as down.
"""

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

from .audit.sealer import seal_lag
from .events.sweeper import outbox_report


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str
    elapsed_ms: int


def check_database(timeout: float) -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # The check runs in a worker thread: its connection must not outlive it.
        connection.close()
    return "reachable"


def check_cache(timeout: float) -> str:
    key = "nexus:health:probe"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was written")
    return "reachable"


def check_broker(timeout: float) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded mode: tasks run in-process, no broker"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=max(1, int(timeout)))
    return "reachable"


READINESS_CHECKS: dict[str, Callable[[float], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def _audit_report() -> dict[str, Any]:
    lag = seal_lag()
    return {"audit_seal_lag_seconds": lag.seconds, "audit_unsealed_events": lag.unsealed}


DATABASE_REPORTS: dict[str, Callable[[], Mapping[str, Any]]] = {
    "outbox": outbox_report,
    "audit": _audit_report,
}


def database_reports() -> dict[str, Any]:
    """Outbox and audit-seal lags: reported, never a failure (the database check judges)."""
    reports: dict[str, Any] = {}
    for name, report in DATABASE_REPORTS.items():
        try:
            reports.update(report())
        except Exception as exc:  # a report must not turn the probe into an error
            reports[f"{name}_report_error"] = f"{type(exc).__name__}: {exc}"
    return reports


def run_readiness_checks(timeout: float | None = None) -> dict[str, CheckResult]:
    """Run every readiness check in parallel; each gets ``timeout`` seconds."""
    timeout = settings.HEALTH_CHECK_TIMEOUT if timeout is None else timeout
    results: dict[str, CheckResult] = {}
    pool = ThreadPoolExecutor(max_workers=len(READINESS_CHECKS), thread_name_prefix="health")
    started = time.monotonic()
    futures = {name: pool.submit(check, timeout) for name, check in READINESS_CHECKS.items()}
    try:
        for name, future in futures.items():
            remaining = max(0.0, timeout - (time.monotonic() - started))
            try:
                detail = future.result(timeout=remaining)
                ok = True
            except FutureTimeout:
                ok, detail = False, f"no answer within {timeout:g}s"
            except Exception as exc:  # any failure of a dependency means "not ready"
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            elapsed = int((time.monotonic() - started) * 1000)
            results[name] = CheckResult(ok=ok, detail=detail, elapsed_ms=elapsed)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return results
