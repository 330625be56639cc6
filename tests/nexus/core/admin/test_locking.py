"""Change-form saves in the admin: the row locked before Django reads it, only changed fields written."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.kernel_example.models import Gadget

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # SQLite has no row locks

GADGET_SQL = re.compile(r'^(SELECT .* FROM "kernel_example_gadget"|UPDATE "kernel_example_gadget")')


def test_a_change_form_save_reads_the_row_under_its_lock_and_writes_only_what_changed(client: Client):
    tenant = TenantFactory.create(slug="acme")
    with scope.tenant(tenant):
        gadget = GadgetFactory.create(name="Widget", quantity=Decimal(5))
    client.force_login(MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
    session.save()

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/admin/kernel_example/gadget/{gadget.pk}/change/",
            {"name": "Sprocket", "kind": "", "quantity": "5.000"},
        )

    assert response.status_code == 302
    statements = [q["sql"] for q in queries.captured_queries if GADGET_SQL.match(q["sql"])]
    kinds = [sql.split()[0] + (" FOR UPDATE" if "FOR UPDATE" in sql else "") for sql in statements]
    # Locked, then read for the form (under the lock), then written: nothing in between.
    assert kinds[kinds.index("SELECT FOR UPDATE") :] == ["SELECT FOR UPDATE", "SELECT", "UPDATE"]
    update = statements[-1]
    assert re.findall(r'"(\w+)" =', update.split(" SET ")[1].split(" WHERE ")[0]) == ["name"]
    with scope.tenant(tenant):
        assert Gadget.objects.filter(pk=gadget.pk).values_list("name", "quantity").get() == (
            "Sprocket",
            Decimal(5),
        )
