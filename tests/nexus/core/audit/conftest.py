"""Helpers for the audit-chain tests: tenants, a way around the immutability trigger."""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.factories.people import TenantFactory

_guard_migration = importlib.import_module("nexus.core.migrations.0002_audit_immutability")


@contextmanager
def immutability_trigger_disabled() -> Iterator[None]:
    """Let the block tamper with audit rows, as the table owner could, then restore the guard.

    PostgreSQL: ``ALTER TABLE ... DISABLE TRIGGER`` (the application role owns its tables).
    SQLite has no disabled state: the trigger is dropped and created again.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit; ALTER TABLE needs those checks run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_immutable")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_immutable")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_immutable")
            else:
                from nexus.core.models import AuditEvent

                columns = [field.column for field in AuditEvent._meta.concrete_fields]
                cursor.execute(_guard_migration.sqlite_statements(columns)[0])


@pytest.fixture
def acme():
    return TenantFactory.create(slug="acme", name="Acme")


@pytest.fixture
def globex():
    return TenantFactory.create(slug="globex", name="Globex")
