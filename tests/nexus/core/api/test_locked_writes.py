"""Updates and deletes take the row's lock before they read it, and an update saves only what it was sent."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from tests.factories.kernel_example import GadgetFactory
from tests.kernel_example.models import Gadget

from .conftest import GADGETS, as_tenant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # SQLite has no row locks

TABLE = '"kernel_example_gadget"'
TOUCHING_THE_TABLE = re.compile(
    r'^(SELECT .* FROM "kernel_example_gadget"|(UPDATE|DELETE FROM) "kernel_example_gadget")'
)


@pytest.fixture
def gadget(acme):
    with scope.tenant(acme):
        return GadgetFactory.create(name="Widget", quantity=Decimal(5))


def gadget_statements(queries: CaptureQueriesContext) -> list[str]:
    """The request's statements on the gadget table, first word and lock only ("SELECT FOR UPDATE")."""
    statements = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if TOUCHING_THE_TABLE.match(sql):
            statements.append(sql.split()[0] + (" FOR UPDATE" if "FOR UPDATE" in sql else ""))
    return statements


def test_an_update_reads_the_row_under_its_lock_and_writes_only_the_fields_it_was_sent(api, acme, gadget):
    with CaptureQueriesContext(connection) as queries:
        response = api.patch(f"{GADGETS}{gadget.pk}/", {"name": "Sprocket"}, **as_tenant("acme"))

    assert response.status_code == 200, response.json()
    statements = gadget_statements(queries)
    assert statements[statements.index("SELECT FOR UPDATE") + 1 :] == ["UPDATE"]
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f"UPDATE {TABLE}")]
    assert re.findall(r'"(\w+)" =', update.split(" SET ")[1].split(" WHERE ")[0]) == ["name"]
    with scope.tenant(acme):
        assert Gadget.objects.filter(pk=gadget.pk).values_list("name", "status").get() == (
            "Sprocket",
            "draft",
        )


def test_a_delete_takes_the_row_lock_before_deleting(api, acme, gadget):
    with CaptureQueriesContext(connection) as queries:
        response = api.delete(f"{GADGETS}{gadget.pk}/", **as_tenant("acme"))

    assert response.status_code == 204
    assert gadget_statements(queries)[-2:] == ["SELECT FOR UPDATE", "DELETE"]
