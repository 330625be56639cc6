"""Liveness and readiness: is the process up, and can it reach what it depends on.

Each dependency check runs in its own thread with a deadline, so that one hung dependency
cannot make the probe itself hang; a check that misses the deadline counts as down. Only the
database is critical: without it nothing can be served (503). A cache or broker that is down
leaves the process *degraded* (200): requests go on with a per-process cache and events wait in
the outbox, so a load balancer must not drop every worker for a shared dependency. So does a
periodic job that falls behind: an audit seal lag or outbox lag above its limit (settings
``HEALTH_AUDIT_SEAL_LAG_LIMIT_SECONDS``, ``HEALTH_OUTBOX_LAG_LIMIT_SECONDS``) means the sealer
or the sweeper is not running, or not keeping up.
"""

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from kombu import Connection

from .audit.sealer import seal_lag
from .cache_guard import GuardedRedisCache
from .events.sweeper import outbox_report
from .heartbeat import beat_heartbeat_age

# Down means "not ready" (503); any other check that is down means "degraded" (200).
CRITICAL_CHECKS = frozenset({"database"})


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
    backend = caches["default"]
    if isinstance(backend, GuardedRedisCache):
        backend.probe()  # Redis itself, not the per-process stand-in
        return "reachable"
    key = "nexus:health:probe"
    backend.set(key, "1", timeout=10)
    if backend.get(key) != "1":
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


def _beat_report() -> dict[str, Any]:
    return {"beat_heartbeat_age_seconds": beat_heartbeat_age()}


DATABASE_REPORTS: dict[str, Callable[[], Mapping[str, Any]]] = {
    "outbox": outbox_report,
    "audit": _audit_report,
}


@dataclass(frozen=True)
class LagLimit:
    """A lag report judged against a limit from settings: above it, the check is degraded."""

    report: str
    setting: str
    waiting: str


LAG_CHECKS: dict[str, LagLimit] = {
    "audit_seal": LagLimit(
        "audit_seal_lag_seconds", "HEALTH_AUDIT_SEAL_LAG_LIMIT_SECONDS", "the oldest unsealed audit event"
    ),
    "outbox": LagLimit(
        "outbox_lag_seconds", "HEALTH_OUTBOX_LAG_LIMIT_SECONDS", "the oldest event waiting for a listener"
    ),
}


def judge_lags(reports: Mapping[str, Any], elapsed_ms: int) -> dict[str, CheckResult]:
    """A check per lag the reports hold: ok up to its limit, down (so degraded) above it."""
    results: dict[str, CheckResult] = {}
    for name, limit in LAG_CHECKS.items():
        if limit.report not in reports:  # its report failed, and says so in the reports
            continue
        lag = float(reports[limit.report] or 0.0)
        allowed = float(getattr(settings, limit.setting))
        detail = f"{limit.waiting} is {lag:.0f}s old (limit {allowed:g}s)" if lag else "nothing waiting"
        results[name] = CheckResult(ok=lag <= allowed, detail=detail, elapsed_ms=elapsed_ms)
    return results


def collect_reports(reports: Mapping[str, Callable[[], Mapping[str, Any]]]) -> dict[str, Any]:
    """Run each report; one that fails is named in the result, never a failure of the probe."""
    collected: dict[str, Any] = {}
    for name, report in reports.items():
        try:
            collected.update(report())
        except Exception as exc:  # a report must not turn the probe into an error
            collected[f"{name}_report_error"] = f"{type(exc).__name__}: {exc}"
    return collected


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


def readiness() -> tuple[int, dict[str, Any]]:
    """The readiness answer: 503 when a critical dependency is down, else 200 (maybe degraded).

    Each check carries its ``state``: ``ok``, ``degraded`` (down, serving goes on) or ``down``.
    """
    results = run_readiness_checks()
    database_down = not results["database"].ok
    # The database reports only run with a reachable database: they must not wait on one that is down.
    started = time.monotonic()
    reports = collect_reports(
        {"beat": _beat_report} if database_down else {"beat": _beat_report, **DATABASE_REPORTS}
    )
    results.update(judge_lags(reports, int((time.monotonic() - started) * 1000)))
    down = {name for name, result in results.items() if not result.ok}
    failing = sorted(down & CRITICAL_CHECKS)
    degraded = sorted(down - CRITICAL_CHECKS)
    status = "unavailable" if failing else "degraded" if degraded else "ok"

    def state(name: str) -> str:
        return "down" if name in failing else "degraded" if name in degraded else "ok"

    body = {
        "status": status,
        "failing": failing,
        "degraded": degraded,
        "checks": {name: {**asdict(result), "state": state(name)} for name, result in results.items()},
        # The heartbeat is reported, not judged: the embedded mode's scheduler keeps it only in
        # its own process's memory when there is no shared cache.
        "reports": reports,
    }
    return (503 if failing else 200), body
