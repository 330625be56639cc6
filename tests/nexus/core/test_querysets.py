"""A list's query reads all of its rows' columns and only the related columns it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.querysets import with_related_columns
from tests.factories.kernel_example import GadgetFactory, GadgetKindFactory
from tests.factories.people import TenantFactory
from tests.kernel_example.models import Gadget

pytestmark = pytest.mark.django_db


def test_the_related_row_brings_only_the_columns_asked_for_in_the_same_query():
    with scope.tenant(TenantFactory.create()):
        GadgetFactory.create(name="Hex", quantity=3, kind=GadgetKindFactory.create(name="Bolts"))

        with CaptureQueriesContext(connection) as queries:
            (gadget,) = with_related_columns(Gadget.objects.all(), "kind", "name")
            shown = (gadget.name, gadget.quantity, gadget.status, gadget.kind.name)

        assert shown == ("Hex", 3, "draft", "Bolts")
        assert len(queries) == 1
        assert '"kernel_example_gadgetkind"."name"' in queries[0]["sql"]
        assert '"kernel_example_gadgetkind"."tenant_id"' not in queries[0]["sql"]
        assert gadget.kind.get_deferred_fields() == {"tenant_id"}
