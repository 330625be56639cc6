"""Row-level security on PostgreSQL: the floor under the ORM's tenant filter.

Raw SQL bypasses the ORM filter, so these tests show what the database alone allows.
"""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models import AuditEvent, TenantOptionalModel, TenantScopedModel
from nexus.core.rls import POLICY_NAME
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def settings_now():
    return fetch("SELECT current_setting('app.tenant_id', true), current_setting('app.system', true)")[0]


@pytest.fixture
def two_tenants():
    a, b = TenantFactory.create(slug="acme"), TenantFactory.create(slug="globex")
    with scope.tenant(a):
        GadgetFactory.create_batch(2)
    with scope.tenant(b):
        GadgetFactory.create_batch(3)
    return a, b


def test_the_application_connects_as_an_ordinary_role():
    [(superuser, bypass)] = fetch("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")

    assert (superuser, bypass) == (False, False)


def test_raw_sql_in_a_tenant_sees_none_of_another_tenants_rows(two_tenants):
    a, b = two_tenants
    with scope.tenant(a):
        assert fetch("SELECT tenant_id, count(*) FROM kernel_example_gadget GROUP BY tenant_id") == [
            (a.pk, 2)
        ]
        assert fetch("SELECT count(*) FROM kernel_example_gadget WHERE tenant_id = %s", [b.pk]) == [(0,)]


def test_raw_sql_with_no_tenant_sees_nothing_and_does_not_fail(two_tenants):
    assert settings_now() == ("", "")
    assert fetch("SELECT count(*) FROM kernel_example_gadget") == [(0,)]


def test_the_system_context_sees_every_tenant(two_tenants):
    a, b = two_tenants
    with scope.system_context("test: count across tenants"):
        rows = fetch(
            "SELECT tenant_id, count(*) FROM kernel_example_gadget GROUP BY tenant_id ORDER BY tenant_id"
        )
    assert rows == [(a.pk, 2), (b.pk, 3)]
    assert fetch("SELECT count(*) FROM kernel_example_gadget") == [(0,)]


def test_the_database_refuses_writing_a_row_for_another_tenant(two_tenants):
    a, b = two_tenants
    with scope.tenant(a), pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
        fetch(
            "INSERT INTO kernel_example_gadget (tenant_id, name, quantity, status)"
            " VALUES (%s, 'x', 0, 'draft')",
            [b.pk],
        )
    with scope.tenant(a):
        updated = fetch(
            "UPDATE kernel_example_gadget SET name = 'mine' WHERE tenant_id = %s RETURNING id", [b.pk]
        )
    assert updated == []


def test_a_tenant_less_row_is_written_to_a_tenant_optional_table_outside_any_tenant():
    assert scope.current_scope() == scope.NO_SCOPE
    event = AuditEvent(tenant=None, actor_kind="system", actor_label="test", action="test.global_event")
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key and not f.generated]
    # A plain INSERT (the ORM's would add RETURNING, which needs the row to be readable too).
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    fetch(
        f"INSERT INTO core_auditevent ({columns}) VALUES ({placeholders})",  # noqa: S608 - the model's columns
        [f.get_db_prep_save(f.pre_save(event, add=True), connection) for f in fields],
    )
    assert fetch("SELECT count(*) FROM core_auditevent WHERE action = 'test.global_event'") == [(0,)]
    with scope.system_context("test: read the global chain"):
        assert AuditEvent.objects.filter(action="test.global_event", tenant__isnull=True).count() == 1


def test_a_tenant_less_row_is_refused_by_a_tenant_scoped_table():
    with pytest.raises(Exception, match=r"null value|row-level security"), transaction.atomic():
        fetch("INSERT INTO kernel_example_gadgetkind (tenant_id, name) VALUES (NULL, 'x')")


@pytest.mark.urls("tests.kernel_example.urls")
def test_a_connection_reused_after_an_api_request_starts_with_no_tenant(two_tenants):
    a, _ = two_tenants
    user = UserFactory.create()
    MembershipFactory.create(user=user, tenant=a, role=Role.VIEWER)
    client = APIClient()
    client.force_authenticate(user)

    response = client.get("/api/v1/example/gadgets/", HTTP_X_TENANT="acme")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert scope.current_scope() == scope.NO_SCOPE
    assert settings_now() == ("", "")
    assert fetch("SELECT count(*) FROM kernel_example_gadget") == [(0,)]


def test_a_connection_reused_after_an_admin_request_starts_with_no_tenant(client, two_tenants):
    a, _ = two_tenants
    user = UserFactory.create()
    MembershipFactory.create(user=user, tenant=a, role=Role.ADMIN)
    client.force_login(user)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = a.pk
    session.save()

    assert client.get("/admin/").status_code == 200

    assert settings_now() == ("", "")
    assert fetch("SELECT count(*) FROM kernel_example_gadget") == [(0,)]


def tenant_tables():
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            if issubclass(model, TenantScopedModel):
                yield model._meta.db_table, False
            elif issubclass(model, TenantOptionalModel):
                yield model._meta.db_table, True


def test_every_tenant_table_has_row_level_security_forced_with_the_tenant_policy():
    tables = dict(tenant_tables())
    assert {"kernel_example_gadget", "core_auditevent"} <= set(tables)  # the walk finds both kinds
    state = {
        name: (enabled, forced)
        for name, enabled, forced in fetch(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(%s)",
            [list(tables)],
        )
    }
    policies = {
        table: (qual, check)
        for table, qual, check in fetch(
            "SELECT tablename, qual, with_check FROM pg_policies WHERE policyname = %s", [POLICY_NAME]
        )
    }

    problems = []
    for table, optional in sorted(tables.items()):
        if state.get(table) != (True, True):
            problems.append(f"{table}: row-level security not enabled and forced")
            continue
        qual, check = policies.get(table, ("", ""))
        reads_scope = "current_setting('app.tenant_id'" in qual and "current_setting('app.system'" in qual
        admits_null = "tenant_id IS NULL" in (check or "")
        if not reads_scope or "tenant_id IS NULL" in qual or admits_null != optional:
            problems.append(f"{table}: missing or wrong {POLICY_NAME} policy (append EnableTenantRLS)")
    assert problems == []
