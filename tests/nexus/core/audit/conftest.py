"""Helpers for the audit-chain tests: tenants, a way around the immutability trigger."""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from nexus.core.models import AuditEvent
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

_guard_migration = importlib.import_module("nexus.core.migrations.0008_audit_hash_version")


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
                columns = [field.column for field in AuditEvent._meta.concrete_fields]
                cursor.execute(_guard_migration.sqlite_statements(columns)[0])


@pytest.fixture
def acme():
    return TenantFactory.create(slug="acme", name="Acme")


@pytest.fixture
def globex():
    return TenantFactory.create(slug="globex", name="Globex")


@pytest.fixture
def operator(db):
    return UserFactory.create(email="operator@example.com", is_platform_operator=True)


@pytest.fixture
def acme_admin(acme):
    return MembershipFactory.create(tenant=acme, role=Role.ADMIN, user__email="ann@acme.example").user


def work_in(client, user, tenant=None) -> None:
    """Log ``user`` in to the admin, working in ``tenant`` (the session's selected tenant)."""
    client.force_login(user)
    if tenant is not None:
        session = client.session
        session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
        session.save()
