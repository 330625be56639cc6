"""A column's distinct values for a list filter, read one index probe per value."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.admin.filter_values import distinct_values
from nexus.core.audit import record_event
from nexus.core.models import ActorRef, AuditEvent
from tests.factories.people import TenantFactory

pytestmark = pytest.mark.django_db

SYSTEM = ActorRef.system("test")


@pytest.fixture
def tenants():
    acme, globex = TenantFactory.create_batch(2)
    with scope.tenant(acme):
        for action in ("b.renamed", "a.created", "b.renamed", "c.archived", "a.created"):
            record_event(action, actor=SYSTEM)
    with scope.tenant(globex):
        record_event("z.only_theirs", actor=SYSTEM)
    return acme, globex


def test_a_tenants_values_are_its_own_once_each_in_order_in_one_query(tenants):
    acme, _ = tenants
    with scope.tenant(acme), CaptureQueriesContext(connection) as queries:
        values = distinct_values(AuditEvent, "action", tenant_id=acme.pk)

    assert values == ["a.created", "b.renamed", "c.archived"]
    assert len(queries) == 1


def test_without_a_tenant_it_reads_every_row_the_scope_sees(tenants):
    acme, _ = tenants
    with scope.system_context("test", record=False):
        assert distinct_values(AuditEvent, "action", tenant_id=None) == [
            "a.created",
            "b.renamed",
            "c.archived",
            "z.only_theirs",
        ]
    with scope.tenant(acme):  # row-level security still applies
        values = distinct_values(AuditEvent, "action", tenant_id=None)
    assert values == ["a.created", "b.renamed", "c.archived"]


def test_no_rows_no_values(tenants):
    _, globex = tenants
    with scope.tenant(globex):
        assert distinct_values(AuditEvent, "object_type", tenant_id=globex.pk) == [""]
        assert distinct_values(AuditEvent, "action", tenant_id=globex.pk + 1000) == []
