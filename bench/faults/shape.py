"""The production shape, process by process, on private ports: what the fault checks run against.

The processes are the Procfile's own commands (gunicorn with ``deploy/gunicorn.conf.py``, the
Celery worker, beat) with the environment ``scripts/production_env.py`` completes, as
``make up`` runs them; only the database, broker, cache and bind address are the check's own.
Each runs in its own process group, so that a check can kill one of them (``SIGKILL``) and start
it again while the others go on, which honcho (it stops everything when one process ends) does
not allow.
"""

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
LOGS = ROOT / "var" / "faults"
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://nexus@127.0.0.1:5432")
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fresh_database(name: str, server: str = SERVER) -> str:
    """Drop and create ``name`` owned by the connecting (ordinary) role; return its URL."""
    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{server}/{name}"


def production_env(**chosen: str) -> dict[str, str]:
    """The environment ``make up`` gives its processes, with ``chosen`` settings winning."""
    env = {**os.environ, **chosen}
    exports = subprocess.run(
        [PYTHON, "scripts/production_env.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    for line in exports.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0] if value else ""
    return env


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


class Shape:
    """Start, kill and restart the Procfile's processes; talk to the web process over HTTP."""

    def __init__(self, check: str, env: dict[str, str]) -> None:
        self.env = env
        self.base = f"http://{env['NEXUS_BIND']}"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.commands = procfile()
        self.logs = LOGS / check  # one file per process, appended to across restarts
        shutil.rmtree(self.logs, ignore_errors=True)
        self.logs.mkdir(parents=True)

    def manage(self, *arguments: str) -> None:
        subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=self.env, check=True)

    def start(self, name: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            ["bash", "-c", f"exec {self.commands[name]}"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, signum: int = signal.SIGKILL) -> None:
        """Send ``signum`` to the process and its children (a worker's pool), and reap it."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10,
    ) -> tuple[int, Any]:
        """Status and decoded JSON body (None if not JSON); status 0 when nothing answered."""
        data = None if body is None else json.dumps(body).encode()
        wanted = {"Content-Type": "application/json", **(headers or {})}
        call = urllib.request.Request(self.base + path, data=data, method=method, headers=wanted)  # noqa: S310
        try:
            with urllib.request.urlopen(call, timeout=timeout) as response:  # noqa: S310 (http on loopback)
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, OSError):
            return 0, None
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, None

    def wait_until(self, check: Any, timeout: float, what: str) -> float:
        """Poll ``check()`` until true; return the seconds it took (raise after ``timeout``)."""
        started = time.monotonic()
        while not check():
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{what}: not after {timeout:.0f} s")
            time.sleep(0.2)
        return time.monotonic() - started


def setup_django(env: dict[str, str]) -> None:
    """Make this process a client of the same database and broker as the shape."""
    os.environ.update(env)
    import django

    django.setup()


def verdict(failures: list[str]) -> None:
    for failure in failures:
        print(f"FAIL: {failure}")
    print("result: " + ("FAILED" if failures else "passed"))
    sys.exit(1 if failures else 0)


def api_headers(slug: str) -> dict[str, str]:
    """Headers of a service token holding every scope an administrator of a new tenant may grant."""
    from nexus.accounts.models import User
    from nexus.accounts.service_tokens import create_service_token, grantable_scopes
    from nexus.tenancy.models import Membership, MembershipStatus, Role, Tenant

    tenant = Tenant.objects.create(name=slug.title(), slug=slug)
    admin = User.objects.create_user(email=f"admin@{slug}.example.com", password=None)
    Membership.objects.create(user=admin, tenant=tenant, role=Role.ADMIN, status=MembershipStatus.ACTIVE)
    scopes = sorted(grantable_scopes(admin, tenant.pk))
    token = create_service_token(
        creator=admin, tenant_id=tenant.pk, name="Fault check", scopes=scopes, expires_at=None
    )
    return {"Authorization": f"Token {token.key}", "X-Tenant": slug}
