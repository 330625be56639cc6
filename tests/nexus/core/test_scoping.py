"""Lazy tenant scoping of the ORM (every database)."""

import pytest

from nexus.core import scope
from nexus.core.errors import TenantRequired
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import TenantFactory
from tests.kernel_example.models import Gadget

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tenants():
    a, b = TenantFactory.create(slug="acme"), TenantFactory.create(slug="globex")
    with scope.tenant(a):
        GadgetFactory.create(name="acme-1")
        GadgetFactory.create(name="acme-2")
    with scope.tenant(b):
        GadgetFactory.create(name="globex-1")
    return a, b


def test_a_queryset_built_without_a_tenant_is_filtered_when_evaluated(two_tenants):
    a, b = two_tenants
    built_at_import_time = Gadget.objects.filter(name__contains="-").order_by("name")

    with scope.tenant(a):
        assert [g.name for g in built_at_import_time.all()] == ["acme-1", "acme-2"]
    with scope.tenant(b):
        assert [g.name for g in built_at_import_time.all()] == ["globex-1"]


def test_evaluating_without_a_tenant_raises_instead_of_returning_every_row(two_tenants):
    with pytest.raises(TenantRequired):
        list(Gadget.objects.all())
    with pytest.raises(TenantRequired):
        Gadget.objects.count()


def test_every_evaluation_path_is_scoped(two_tenants):
    a, b = two_tenants
    with scope.tenant(b):
        assert Gadget.objects.count() == 1
        assert Gadget.objects.exists()
        assert Gadget.objects.get().name == "globex-1"
        assert list(Gadget.objects.values_list("name", flat=True)) == ["globex-1"]
        assert Gadget.objects.update(name="renamed") == 1
    with scope.tenant(a):
        assert sorted(Gadget.objects.values_list("name", flat=True)) == ["acme-1", "acme-2"]


def test_the_system_context_sees_every_tenant(two_tenants):
    with scope.system_context("test: count across tenants"):
        assert Gadget.objects.count() == 3


def test_a_new_row_takes_the_current_tenant_and_needs_one(two_tenants):
    a, _ = two_tenants
    with scope.tenant(a):
        created = Gadget.objects.create(name="new")
    assert created.tenant_id == a.pk
    with pytest.raises(TenantRequired):
        Gadget.objects.create(name="orphan")


def test_deletes_and_subqueries_are_scoped(two_tenants):
    a, b = two_tenants
    with scope.tenant(a):
        names = Gadget.objects.filter(pk__in=Gadget.objects.values("pk")).values_list("name", flat=True)
        assert sorted(names) == ["acme-1", "acme-2"]
        assert Gadget.objects.all().delete() == (2, {"kernel_example.Gadget": 2})
    with scope.tenant(b):
        assert list(Gadget.objects.values_list("name", flat=True)) == ["globex-1"]


def test_related_managers_are_scoped(two_tenants):
    from tests.factories.kernel_example import GadgetKindFactory

    a, b = two_tenants
    with scope.tenant(a):
        kind = GadgetKindFactory.create()
        Gadget.objects.filter(name="acme-1").update(kind=kind)
        assert [g.name for g in kind.gadgets.all()] == ["acme-1"]
    with scope.tenant(b), pytest.raises(Gadget.DoesNotExist):
        Gadget.objects.get(name="acme-1")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_leaving_a_scope_inside_a_failed_transaction_keeps_the_original_error():
    from django.db import IntegrityError, connection, transaction

    tenant_row = TenantFactory.create()
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        scope.tenant(tenant_row),
        connection.cursor() as cursor,
    ):
        cursor.execute("INSERT INTO tenancy_tenant (id) VALUES (NULL)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant_id', true)")
        assert cursor.fetchone()[0] in ("", None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_leaving_a_scope_after_the_server_ended_the_connection_does_not_raise_and_starts_clean():
    from django.db import OperationalError, connection

    tenant_row = TenantFactory.create()
    with scope.tenant(tenant_row), pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    assert scope.current_scope() == scope.NO_SCOPE
    assert connection.connection is None  # dropped: the next use opens a new one
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant_id', true)")
        assert cursor.fetchone()[0] in ("", None)
