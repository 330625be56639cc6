"""The outbox in the admin: operators see every tenant, staff their own; "Retry now" delivers."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nexus.core import scope
from nexus.core.events import DeliveryStatus, EventEnvelope, OutboxDelivery, OutboxEvent, register_listener
from nexus.core.models import AuditEvent
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role, Tenant
from tests.factories.people import MembershipFactory, UserFactory

from .conftest import EVENT, kinds_recorded, record_kind

pytestmark = pytest.mark.django_db

DELIVERIES = "/admin/core/outboxdelivery/"
EVENTS = "/admin/core/outboxevent/"
LISTENER = "tests.vendor_sync"


def failed_delivery(tenant: Tenant, status: str = DeliveryStatus.DEAD, gadget_id: int = 7) -> OutboxDelivery:
    with scope.tenant(tenant):
        event = OutboxEvent.objects.create(
            tenant_id=tenant.pk,
            name=EVENT,
            payload={"gadget_id": gadget_id, "quantity": "1", "schema_version": 1},
            enqueued_at=timezone.now(),
        )
        return OutboxDelivery.objects.create(
            event=event,
            tenant_id=tenant.pk,
            listener=LISTENER,
            status=status,
            attempts=8,
            last_error="Traceback (most recent call last):\nConnectionError: vendor system down",
            next_attempt_at=None if status == DeliveryStatus.DEAD else timezone.now() + timedelta(hours=1),
        )


def logged_in(client: Client, user: Any, tenant: Tenant | None = None) -> Client:
    client.force_login(user)
    if tenant is not None:
        session = client.session
        session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
        session.save()
    return client


@pytest.fixture
def operator_client(client: Client) -> Client:
    return logged_in(client, UserFactory.create(is_platform_operator=True))


def staff_client(client: Client, tenant: Tenant, role: str = Role.ADMIN) -> Client:
    return logged_in(client, MembershipFactory.create(tenant=tenant, role=role).user, tenant)


@pytest.fixture
def recovered_listener() -> None:
    register_listener(EVENT, record_kind, name=LISTENER)


def status_of(delivery: OutboxDelivery) -> tuple[str, int]:
    with scope.system_context("tests: read a delivery"):
        fresh = OutboxDelivery.objects.get(pk=delivery.pk)
    return fresh.status, fresh.attempts


def test_an_operator_sees_failed_deliveries_of_every_tenant_with_their_error(
    operator_client, tenant, other_tenant, django_assert_max_num_queries
):
    failed_delivery(tenant, gadget_id=1)
    failed_delivery(other_tenant, gadget_id=2)
    for _ in range(5):
        failed_delivery(other_tenant, status=DeliveryStatus.FAILED)

    with django_assert_max_num_queries(30):
        response = operator_client.get(DELIVERIES, {"status": DeliveryStatus.DEAD})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert response.content.decode().count("ConnectionError: vendor system down") == 2
    with django_assert_max_num_queries(30):
        assert operator_client.get(DELIVERIES).context["cl"].result_count == 7


def test_tenant_staff_see_only_their_tenants_deliveries(client, tenant, other_tenant):
    mine = failed_delivery(tenant)
    theirs = failed_delivery(other_tenant)
    staff = staff_client(client, tenant)

    listed = staff.get(DELIVERIES)
    assert [row.pk for row in listed.context["cl"].result_list] == [mine.pk]
    assert staff.get(reverse("admin:core_outboxdelivery_change", args=[theirs.pk])).status_code == 302


def test_deliveries_filter_by_listener_and_event_name(operator_client, tenant):
    failed_delivery(tenant)

    assert operator_client.get(DELIVERIES, {"listener": LISTENER}).context["cl"].result_count == 1
    assert operator_client.get(DELIVERIES, {"listener": "other"}).context["cl"].result_count == 0
    assert operator_client.get(DELIVERIES, {"event_name": EVENT}).context["cl"].result_count == 1
    assert (
        operator_client.get(DELIVERIES, {"event_name": "sales.order_confirmed"}).context["cl"].result_count
        == 0
    )


@pytest.mark.usefixtures("recovered_listener")
def test_the_retry_action_delivers_the_selected_deliveries_now(operator_client, tenant, run_on_commit):
    dead = failed_delivery(tenant, gadget_id=1)
    waiting = failed_delivery(tenant, status=DeliveryStatus.FAILED, gadget_id=2)

    with run_on_commit():
        response = operator_client.post(
            DELIVERIES, {"action": "retry_selected", "_selected_action": [dead.pk, waiting.pk]}
        )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "2 delivery(ies) dispatched for another attempt."
    ]
    assert status_of(dead) == (DeliveryStatus.DELIVERED, 9)
    assert status_of(waiting) == (DeliveryStatus.DELIVERED, 9)
    assert kinds_recorded() == [f"counted 1 (event {dead.event_id})", f"counted 2 (event {waiting.event_id})"]


@pytest.mark.usefixtures("recovered_listener")
def test_the_retry_button_on_a_delivery_page_delivers_it(client, tenant, run_on_commit):
    dead = failed_delivery(tenant)
    staff = staff_client(client, tenant)
    page = reverse("admin:core_outboxdelivery_change", args=[dead.pk])
    retry = reverse("admin:core_outboxdelivery_retry", args=[dead.pk])

    assert "Retry now" in staff.get(page).content.decode()
    assert staff.get(retry).status_code == 405
    with run_on_commit():
        response = staff.post(retry)

    assert response.status_code == 302
    assert response["Location"] == page
    assert status_of(dead) == (DeliveryStatus.DELIVERED, 9)
    assert "Retry now" not in staff.get(page).content.decode()


def test_a_dead_delivery_that_fails_again_is_dead_again(operator_client, tenant, run_on_commit):
    def still_down(payload: dict[str, Any], event: EventEnvelope) -> None:
        raise ConnectionError("still down")

    register_listener(EVENT, still_down, name=LISTENER)
    dead = failed_delivery(tenant)

    with run_on_commit():
        operator_client.post(reverse("admin:core_outboxdelivery_retry", args=[dead.pk]))

    assert status_of(dead) == (DeliveryStatus.DEAD, 9)


def test_staff_without_change_permission_cannot_retry(client, tenant, run_on_commit):
    dead = failed_delivery(tenant)
    accountant = staff_client(client, tenant, role=Role.ACCOUNTANT)  # views the kernel's records only

    assert accountant.get(reverse("admin:core_outboxdelivery_change", args=[dead.pk])).status_code == 200
    with run_on_commit():
        response = accountant.post(reverse("admin:core_outboxdelivery_retry", args=[dead.pk]))

    assert response.status_code == 403
    assert status_of(dead) == (DeliveryStatus.DEAD, 8)


def test_events_are_read_only_with_their_deliveries_inline(operator_client, tenant):
    delivery = failed_delivery(tenant)
    page = reverse("admin:core_outboxevent_change", args=[delivery.event_id])

    listed = operator_client.get(EVENTS)
    response = operator_client.get(page)

    assert listed.context["cl"].result_count == 1
    assert "0 delivered, 1 failing" in listed.content.decode()
    body = response.content.decode()
    assert LISTENER in body
    assert "&quot;gadget_id&quot;: 7" in body
    assert 'name="_save"' not in body
    assert operator_client.get(reverse("admin:core_outboxevent_add")).status_code == 403
    assert (
        operator_client.post(reverse("admin:core_outboxevent_delete", args=[delivery.event_id])).status_code
        == 403
    )


def _system_entries() -> list[str]:
    with scope.system_context("tests: read system entries", record=False):
        return list(
            AuditEvent.objects.filter(action="system.context_entered")
            .order_by("id")
            .values_list("actor_label", flat=True)
        )


def test_opening_the_outbox_screens_as_an_operator_records_no_entry(operator_client, tenant):
    delivery = failed_delivery(tenant)
    assert operator_client.get(DELIVERIES).status_code == 200
    assert (
        operator_client.get(reverse("admin:core_outboxdelivery_change", args=[delivery.pk])).status_code
        == 200
    )
    assert operator_client.get(EVENTS).status_code == 200
    assert operator_client.get("/admin/core/auditevent/").status_code == 200
    assert _system_entries() == []


def test_an_operators_retry_is_recorded_as_a_deliberate_entry(
    operator_client, tenant, recovered_listener, run_on_commit
):
    dead = failed_delivery(tenant)
    with run_on_commit():
        operator_client.post(reverse("admin:core_outboxdelivery_retry", args=[dead.pk]))
    operator = operator_client.session["_auth_user_id"]
    assert _system_entries() == [f"outbox admin: retry a delivery, platform operator #{operator}"]
