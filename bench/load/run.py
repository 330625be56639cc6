"""The load run: ``make up`` on loopback, locust headless at fixed arrival rates, stepped to saturation.

1. Prepares the run's own database (``nexus_bench_load``: migrated, the demo loaded, one account
   per client; ``bench/load/prepare.py``).
2. Starts the production shape (``scripts/up.sh``: gunicorn, a Celery worker and beat) bound to
   ``LOAD_BIND`` (127.0.0.1:8765) on that database, with the cache and broker on
   ``LOAD_REDIS_URL``, and waits for ``/health/ready/``.
3. After a warm-up step at the first rate (not reported), runs the mixed workload of
   ``bench/load/locustfile.py`` at each rate of ``--rates`` (requests per second, doubling by
   default) for ``--seconds`` each, until a step saturates: it achieves less than 90 % of its
   rate, or more than 1 % of its requests fail, or the p95 passes five seconds (answers queueing).
   Then one more step at half the highest throughput reached (the target's operating point).
4. Prints and writes to ``bench/results/load-<UTC time>.json`` and ``.md`` per step: the offered
   and achieved rate, p50/p95/p99 of reads and of writes, errors, and the load generator's own
   CPU share (its user + system time over the step's wall time, of the machine's CPUs).
5. Stops what it started (the server's process group).

    .venv/bin/python bench/load/run.py [--rates 2,4,8,16,32,64] [--seconds 30] [--clients 10]

Locust runs from ``LOCUST`` (default: ``locust`` on the PATH, from the dev dependencies).
"""

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RESULTS = BASE_DIR / "bench" / "results"
ACCOUNTS = BASE_DIR / "var" / "bench-load-accounts.json"
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://nexus@127.0.0.1:5432")
DATABASE = os.environ.get("LOAD_DATABASE", "nexus_bench_load")
BIND = os.environ.get("LOAD_BIND", "127.0.0.1:8765")
REDIS = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/11")
READ_TARGET_MS = 200.0


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{SERVER}/{DATABASE}",
        NEXUS_BIND=BIND,
        NEXUS_PUBLIC_URL=f"http://{BIND}/",
        CACHE_URL=REDIS,
        CELERY_BROKER_URL=REDIS,
        PYTHONPATH=os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
    )
    return env


def ensure_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))


def wait_ready(timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{BIND}/health/ready/", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(2)
    raise SystemExit(f"the server on {BIND} did not become ready")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def step(rate: float, seconds: int, clients: int, locust: str) -> dict[str, Any]:
    summary = BASE_DIR / "var" / "bench-load-step.json"
    env = {
        **environment(),
        "LOAD_RATE": str(rate),
        "LOAD_CLIENTS": str(clients),
        "LOAD_ACCOUNTS": str(ACCOUNTS),
        "LOAD_SUMMARY": str(summary),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(
        [
            locust,
            "-f",
            str(BASE_DIR / "bench" / "load" / "locustfile.py"),
            "--headless",
            "--host",
            f"http://{BIND}",
            "--users",
            str(clients),
            "--spawn-rate",
            str(clients),
            "--run-time",
            f"{seconds}s",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    data = json.loads(summary.read_text())
    summary.unlink()
    reads, writes = data["times_ms"]["read"], data["times_ms"]["write"]
    count = len(reads) + len(writes)
    failures = sum(data["errors"].values())
    return {
        "offered_rps": rate,
        "achieved_rps": round(count / data["seconds"], 1),
        "requests": count,
        "errors": failures,
        "error_kinds": data["errors"],
        "reads": {
            name: round(percentile(reads, q), 1) for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        },
        "writes": {
            name: round(percentile(writes, q), 1) for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        },
        "all_p95": round(percentile(reads + writes, 0.95), 1),
        "p50_p95_by_name": {
            name: [round(percentile(times, 0.5), 1), round(percentile(times, 0.95), 1)]
            for name, times in sorted(data["by_name"].items())
        },
        "generator_cpu_share": round(cpu / wall / (os.cpu_count() or 1), 3),
    }


def saturated(result: dict[str, Any]) -> bool:
    return (
        result["achieved_rps"] < 0.9 * result["offered_rps"]
        or result["errors"] > 0.01 * max(result["requests"], 1)
        or result["all_p95"] > 5000
    )


def line(result: dict[str, Any]) -> str:
    r, w = result["reads"], result["writes"]
    return (
        f"| {result['offered_rps']:>7} | {result['achieved_rps']:>8} "
        f"| {r['p50']:>6} | {r['p95']:>6} | {r['p99']:>6} "
        f"| {w['p50']:>6} | {w['p95']:>6} | {w['p99']:>6} | {result['errors']:>6} "
        f"| {100 * result['generator_cpu_share']:>5.1f} % |"
    )


HEADER = (
    "| offered | achieved | read p50 | p95 | p99 | write p50 | p95 | p99 | errors | locust CPU |\n"
    "|--------:|---------:|-------:|-------:|-------:|-------:|-------:|-------:|-------:|--------:|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="2,4,8,16,32,64")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=10)
    options = parser.parse_args()
    # Stopped from outside: still stop the server (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    options.rates_list = [float(rate) for rate in options.rates.split(",")]
    locust = os.environ.get("LOCUST") or shutil.which("locust") or str(Path(sys.executable).parent / "locust")
    ensure_database()
    python = str(BASE_DIR / ".venv" / "bin" / "python")
    subprocess.run(
        [python, str(BASE_DIR / "bench" / "load" / "prepare.py"), str(ACCOUNTS), str(options.clients)],
        env={**environment(), "DJANGO_SETTINGS_MODULE": "nexus.settings.base"},
        check=True,
    )
    server = subprocess.Popen(
        ["bash", str(BASE_DIR / "scripts" / "up.sh")],
        env=environment(),
        cwd=BASE_DIR,
        stdout=open(BASE_DIR / "var" / "bench-load-server.log", "w"),  # noqa: SIM115 (kept open while it runs)
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results: list[dict[str, Any]] = []
    try:
        wait_ready()
        # Every worker imports and connects on its first requests: not part of any step.
        step(options.rates_list[0], options.seconds, options.clients, locust)
        print(HEADER)
        for rate in options.rates_list:
            result = step(rate, options.seconds, options.clients, locust)
            results.append(result)
            print(line(result), flush=True)
            if saturated(result):
                break
        peak = max(r["achieved_rps"] for r in results)
        half = step(round(peak / 2, 1), options.seconds, options.clients, locust)
        print(line(half) + "  (half the saturation throughput)", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    report(results, half, peak, options)


def report(
    results: list[dict[str, Any]], half: dict[str, Any], peak: float, options: argparse.Namespace
) -> None:
    below = [r for r in results if not saturated(r)]
    met = all(r["errors"] == 0 for r in below) and half["reads"]["p95"] < READ_TARGET_MS
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%MZ")
    RESULTS.mkdir(exist_ok=True)
    record = {
        "when": stamp,
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "options": vars(options),
        "saturation_rps": peak,
        "steps": results,
        "half_saturation": half,
        "target_met": met,
    }
    (RESULTS / f"load-{stamp}.json").write_text(json.dumps(record, indent=2))
    table = "\n".join([HEADER, *(line(r) for r in results), line(half) + " (half)"])
    text = (
        f"# Load run {stamp}\n\n{os.cpu_count()} CPUs, load average at the end "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}; {options.clients} clients, "
        f"{options.seconds} s per step. Times in ms.\n\n{table}\n\n"
        f"Saturation throughput: {peak} requests/s. Target (no errors below saturation; read p95 "
        f"under {READ_TARGET_MS:.0f} ms at half of it): {'met' if met else 'NOT met'}.\n"
    )
    (RESULTS / f"load-{stamp}.md").write_text(text)
    print(
        f"\nsaturation {peak} requests/s; target {'met' if met else 'NOT met'}; bench/results/load-{stamp}.md"
    )


if __name__ == "__main__":
    main()
