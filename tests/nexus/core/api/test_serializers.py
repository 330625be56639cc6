"""Writable references are checked against the tenant: a foreign id is a 400 field error."""

import pytest
from rest_framework import serializers

from nexus.core import scope
from nexus.core.api.serializers import TenantModelSerializer
from tests.factories.kernel_example import GadgetFactory
from tests.kernel_example.models import Gadget, GadgetKind

from .conftest import GADGETS, as_tenant

pytestmark = pytest.mark.django_db


def every_gadget():
    with scope.system_context("test: every gadget"):
        return sorted(Gadget.objects.values_list("name", "kind_id"))


@pytest.mark.smoke
def test_creating_with_another_tenants_row_is_a_field_error_and_creates_nothing(api, acme, globex_kind):
    response = api.post(GADGETS, {"name": "sneaky", "kind": globex_kind.pk}, **as_tenant("acme"))

    assert response.status_code == 400
    assert response.json()["fields"] == {"kind": [f'Invalid pk "{globex_kind.pk}" - object does not exist.']}
    assert every_gadget() == []


def test_updating_with_another_tenants_row_is_a_field_error_and_changes_nothing(
    api, acme, acme_kind, globex_kind
):
    with scope.tenant(acme):
        gadget = GadgetFactory.create(name="mine", kind=acme_kind)

    response = api.patch(f"{GADGETS}{gadget.pk}/", {"kind": globex_kind.pk}, **as_tenant("acme"))

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["kind"]
    assert every_gadget() == [("mine", acme_kind.pk)]


def test_a_reference_within_the_tenant_is_accepted(api, acme, acme_kind):
    response = api.post(GADGETS, {"name": "fine", "kind": acme_kind.pk}, **as_tenant("acme"))

    assert response.status_code == 201
    assert response.json()["kind_name"] == "Widgets"


def test_an_out_of_range_id_is_a_field_error_not_a_server_error(api, acme):
    response = api.post(GADGETS, {"name": "x", "kind": 2**70}, **as_tenant("acme"))

    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


class BroadGadgetSerializer(TenantModelSerializer):
    """A serializer whose related field was declared over every tenant's rows."""

    kind = serializers.PrimaryKeyRelatedField(queryset=GadgetKind._base_manager.all())

    class Meta:
        model = Gadget
        fields = ["name", "kind"]


def test_the_serializer_refuses_a_foreign_row_even_from_a_broad_queryset(acme, globex_kind):
    # In the system context the broad queryset finds the row; the serializer still compares
    # tenants once a tenant is selected for the write.
    with scope.system_context("test: load across tenants"):
        data = BroadGadgetSerializer().to_internal_value({"name": "x", "kind": globex_kind.pk})
    with scope.tenant(acme):
        serializer = BroadGadgetSerializer()
        with pytest.raises(serializers.ValidationError) as refused:
            serializer.validate(data)

    assert refused.value.detail == {"kind": [f"Gadget kind {globex_kind.pk} does not exist in this tenant."]}
