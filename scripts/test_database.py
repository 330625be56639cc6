"""Choose the database for the test run and print shell ``export`` lines for it.

PostgreSQL whenever one is reachable (``DATABASE_URL``, or a local server on 127.0.0.1:5432
with trust auth), always as the ordinary role ``nexus``, created here if missing, since a
superuser would ignore row-level security. SQLite otherwise, except under CI, where a missing
PostgreSQL is an error rather than a silent fallback. Messages go to stderr.
"""

import os
import sys

import psycopg
from psycopg import sql

ROLE = "nexus"
DATABASE = "nexus"
LOCAL_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


def say(message: str) -> None:
    print(message, file=sys.stderr)


def ensure_local_role(database: str = DATABASE) -> str:
    """Create the ordinary role and ``database`` on the local server; return its URL."""
    with psycopg.connect(LOCAL_ADMIN, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone()
        verb = "ALTER" if exists else "CREATE"
        admin.execute(
            sql.SQL("{} ROLE {} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS").format(
                sql.SQL(verb), sql.Identifier(ROLE)
            )
        )
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(ROLE))
            )
    return f"postgres://{ROLE}@127.0.0.1:5432/{database}"


def describe_role(url: str) -> str:
    with psycopg.connect(url, connect_timeout=5) as conn:
        user, superuser, bypass = conn.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()  # type: ignore[misc]
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    if superuser or bypass:
        say(f"error: the test database role {user!r} is a superuser or bypasses RLS; use an ordinary role.")
        sys.exit(2)
    return f"PostgreSQL {version} as role {user!r} (NOSUPERUSER, NOBYPASSRLS)"


def main() -> None:
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    url = os.environ.get("DATABASE_URL", "")
    if os.environ.get("NEXUS_TEST_DB") == "sqlite":
        url = ""
    elif not url:
        try:
            url = ensure_local_role()
        except psycopg.OperationalError as exc:
            if ci:
                say(f"error: CI needs PostgreSQL on 127.0.0.1:5432 and it is not reachable: {exc}")
                sys.exit(2)
            say("note: no PostgreSQL reachable; PostgreSQL-only tests will be skipped.")
    if url and url.startswith(("postgres://", "postgresql://")):
        label = describe_role(url)
    elif url:
        label = url.split(":", 1)[0]
    else:
        label = "SQLite (embedded, in-memory test database)"
    print(f"export DATABASE_URL='{url}'")
    print(f"export NEXUS_TEST_DB_LABEL='{label}'")


if __name__ == "__main__":
    main()
