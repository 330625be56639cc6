"""Ordinary edits through the admin and the API leave an audit event with the changed fields."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models import ActorKind, AuditEvent
from tests.factories.kernel_example import GadgetFactory, GadgetKindFactory
from tests.kernel_example.models import Gadget, GadgetKind

from .conftest import work_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.nexus.core.audit.urls")]

ADMIN = "/admin/kernel_example"
API = "/api/v1/audited/gadgets/"


def _edits(tenant) -> list[tuple[str, str, dict, str]]:
    with scope.tenant(tenant):
        rows = AuditEvent.objects.filter(action__startswith="kernel_example.").order_by("id")
        return [(e.action, e.object_id, e.data, e.actor_id) for e in rows]


@pytest.fixture
def widget(acme):
    with scope.tenant(acme):
        kind = GadgetKindFactory.create(name="Cogs")
        return GadgetFactory.create(name="Widget", kind=kind, quantity=Decimal("5.000"))


@pytest.mark.smoke
def test_an_admin_change_records_only_the_fields_that_changed(client, acme, acme_admin, widget):
    kind = widget.kind
    work_in(client, acme_admin, acme)
    response = client.post(f"{ADMIN}/gadgetkind/{kind.pk}/change/", {"name": "Gears"})

    assert response.status_code == 302, response.content
    assert _edits(acme) == [
        (
            "kernel_example.gadgetkind.changed",
            str(kind.pk),
            {"changes": {"name": ["Cogs", "Gears"]}},
            str(acme_admin.pk),
        )
    ]
    with scope.tenant(acme):
        event = AuditEvent.objects.get(action="kernel_example.gadgetkind.changed")
    assert (event.actor_kind, event.object_label, event.tenant_id) == (ActorKind.USER, "Gears", acme.pk)


def test_an_admin_save_that_changes_nothing_records_nothing(client, acme, acme_admin, widget):
    work_in(client, acme_admin, acme)
    response = client.post(f"{ADMIN}/gadgetkind/{widget.kind_id}/change/", {"name": "Cogs"})
    assert response.status_code == 302
    assert _edits(acme) == []


def test_an_admin_creation_and_deletion_are_recorded(client, acme, acme_admin):
    work_in(client, acme_admin, acme)
    assert client.post(f"{ADMIN}/gadgetkind/add/", {"name": "Bolts"}).status_code == 302
    with scope.tenant(acme):
        kind = GadgetKind.objects.get(name="Bolts")
    assert client.post(f"{ADMIN}/gadgetkind/{kind.pk}/delete/", {"post": "yes"}).status_code == 302

    assert [(action, object_id, data) for action, object_id, data, _ in _edits(acme)] == [
        ("kernel_example.gadgetkind.created", str(kind.pk), {"changes": {"name": [None, "Bolts"]}}),
        ("kernel_example.gadgetkind.deleted", str(kind.pk), {"changes": {"name": ["Bolts", None]}}),
    ]


def test_the_bulk_delete_action_records_each_object(client, acme, acme_admin):
    with scope.tenant(acme):
        kinds = [GadgetKindFactory.create(name=name) for name in ("A", "B")]
    work_in(client, acme_admin, acme)
    response = client.post(
        f"{ADMIN}/gadgetkind/",
        {"action": "delete_selected", "_selected_action": [k.pk for k in kinds], "post": "yes"},
    )

    assert response.status_code == 302
    assert [(action, object_id) for action, object_id, _, _ in _edits(acme)] == [
        ("kernel_example.gadgetkind.deleted", str(kinds[0].pk)),
        ("kernel_example.gadgetkind.deleted", str(kinds[1].pk)),
    ]


def test_a_refused_admin_form_records_nothing_and_changes_nothing(client, acme, acme_admin, widget):
    work_in(client, acme_admin, acme)
    response = client.post(f"{ADMIN}/gadgetkind/{widget.kind_id}/change/", {"name": ""})

    assert response.status_code == 200  # the form again, with its errors
    assert _edits(acme) == []
    with scope.tenant(acme):
        assert GadgetKind.objects.get().name == "Cogs"


@pytest.fixture
def api(acme, acme_admin) -> APIClient:
    client = APIClient()
    client.force_authenticate(acme_admin)
    client.credentials(HTTP_X_TENANT="acme")
    return client


def test_api_writes_record_created_changed_and_deleted(api, acme, widget):
    created = api.post(API, {"name": "Gear", "quantity": "2"}, format="json")
    assert created.status_code == 201, created.content
    gear_id = str(created.json()["id"])
    assert api.patch(f"{API}{gear_id}/", {"quantity": "3.25"}, format="json").status_code == 200
    assert api.patch(f"{API}{gear_id}/", {"quantity": "3.250"}, format="json").status_code == 200  # no change
    assert api.delete(f"{API}{gear_id}/").status_code == 204

    assert [(action, object_id, data) for action, object_id, data, _ in _edits(acme)] == [
        (
            "kernel_example.gadget.created",
            gear_id,
            {"changes": {"name": [None, "Gear"], "quantity": [None, "2.000"], "status": [None, "draft"]}},
        ),
        ("kernel_example.gadget.changed", gear_id, {"changes": {"quantity": ["2.000", "3.250"]}}),
        (
            "kernel_example.gadget.deleted",
            gear_id,
            {"changes": {"name": ["Gear", None], "quantity": ["3.250", None], "status": ["draft", None]}},
        ),
    ]


def test_a_foreign_key_change_is_recorded_by_id(api, acme, widget):
    with scope.tenant(acme):
        other = GadgetKindFactory.create(name="Springs")
    assert api.patch(f"{API}{widget.pk}/", {"kind": other.pk}, format="json").status_code == 200
    assert _edits(acme)[-1][2] == {"changes": {"kind": [widget.kind_id, other.pk]}}


def test_a_refused_api_write_records_nothing_and_changes_nothing(api, acme, widget):
    response = api.patch(f"{API}{widget.pk}/", {"quantity": "not a number"}, format="json")
    assert response.status_code == 400
    assert _edits(acme) == []
    with scope.tenant(acme):
        assert Gadget.objects.get().quantity == Decimal("5.000")
