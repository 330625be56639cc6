"""Idempotency keys under concurrency and lost connections, on PostgreSQL with parallel clients."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.models.signals import post_save

from nexus.core import idempotency, scope
from nexus.core.models import Currency, IdempotencyRecord
from nexus.core.models.refs import ActorRef
from nexus.procurement.models import PurchaseOrder
from nexus.tenancy.models import Role
from tests.helpers.concurrency import run_in_parallel
from tests.nexus.procurement.conftest import Site, make_site, member
from tests.nexus.procurement.helpers import TenantAPIClient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ORDERS = "/api/v1/purchase-orders/"
ROUTE = "api/v1/purchase-orders/$"


@pytest.fixture(autouse=True)
def dollars() -> None:
    """The currency the documents use (a transactional test's flush empties the seeded table)."""
    Currency.objects.get_or_create(code="USD", defaults={"name": "US Dollar", "exponent": 2})


@pytest.fixture
def site() -> Iterator[Site]:
    made = make_site()
    with scope.tenant(made.tenant):
        yield made


@pytest.fixture
def buyer(site: Site) -> Any:
    return member(site.tenant, Role.PURCHASER, "buyer@acme.example")


def order_body(site: Site) -> dict[str, Any]:
    return {
        "vendor": site.vendor.pk,
        "warehouse": site.warehouse.pk,
        "lines": [
            {"product": site.bolt.pk, "quantity": "10", "unit_price": "4.25", "expected_date": "2026-05-05"}
        ],
    }


def orders(site: Site) -> int:
    with scope.tenant(site.tenant):
        return PurchaseOrder.objects.count()


def test_six_concurrent_creates_with_one_key_create_one_order_and_answer_it_six_times(site, buyer):
    body = order_body(site)

    def create(index: int) -> Any:
        return TenantAPIClient(buyer, site.tenant).post(
            ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="po-1"
        )

    outcomes = run_in_parallel(create, 6)

    assert all(outcome.ok for outcome in outcomes), [o.error for o in outcomes]
    answers = [outcome.value for outcome in outcomes]
    assert [answer.status_code for answer in answers] == [201] * 6
    assert len({answer.content for answer in answers}) == 1
    assert sum(answer.has_header("Idempotent-Replayed") for answer in answers) == 5
    assert orders(site) == 1


def test_a_retry_while_the_first_request_holds_the_key_is_refused_cleanly(site, buyer, settings):
    settings.NEXUS_IDEMPOTENCY_WAIT_SECONDS = 0.3
    with scope.tenant(site.tenant):
        holder = idempotency.KeyScope(
            tenant_id=site.tenant.pk,
            actor=ActorRef("user", str(buyer.pk), str(buyer)),
            method="POST",
            route=ROUTE,
            arguments={},
            key="po-1",
        )
    claimed, release = threading.Event(), threading.Event()

    def hold_the_key() -> None:
        try:
            with scope.tenant(site.tenant.pk), transaction.atomic():
                idempotency.claim(holder, "first request")
                claimed.set()
                release.wait(10)
                transaction.set_rollback(True)  # the first request fails: its key goes with it
        finally:
            connections.close_all()

    first = threading.Thread(target=hold_the_key)
    first.start()
    try:
        assert claimed.wait(10)
        retry = TenantAPIClient(buyer, site.tenant).post(
            ORDERS, order_body(site), format="json", HTTP_IDEMPOTENCY_KEY="po-1"
        )
    finally:
        release.set()
        first.join(10)

    assert retry.status_code == 409
    assert retry.json() == {
        "code": "idempotency_in_progress",
        "detail": "A request with this idempotency key is still running; retry in a moment.",
    }
    assert orders(site) == 0
    with scope.tenant(site.tenant):
        assert not IdempotencyRecord.objects.exists()  # the holder rolled back: the key is free


def terminate_backend(pid: int) -> None:
    """End a database session from another connection, as an operator or a failover would."""

    def terminate() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        finally:
            connections.close_all()

    killer = threading.Thread(target=terminate)
    killer.start()
    killer.join(10)


@contextmanager
def when_an_order_is_created(then: Callable[[int], None]) -> Iterator[None]:
    """Call ``then(<the creating session's pid>)`` as each purchase order is inserted."""

    def receiver(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        if created:
            then(connection.connection.info.backend_pid)

    post_save.connect(receiver, sender=PurchaseOrder)
    try:
        yield
    finally:
        post_save.disconnect(receiver, sender=PurchaseOrder)


def test_a_create_whose_connection_is_lost_after_the_commit_answers_and_its_retry_replays(site, buyer):
    api = TenantAPIClient(buyer, site.tenant)

    with when_an_order_is_created(lambda pid: transaction.on_commit(partial(terminate_backend, pid))):
        first = api.post(ORDERS, order_body(site), format="json", HTTP_IDEMPOTENCY_KEY="po-1")
    retry = api.post(ORDERS, order_body(site), format="json", HTTP_IDEMPOTENCY_KEY="po-1")

    assert first.status_code == 201
    assert (retry.status_code, retry["Idempotent-Replayed"]) == (201, "true")
    assert retry.content == first.content
    assert orders(site) == 1


def test_a_create_whose_connection_is_lost_before_the_commit_is_a_503_and_its_retry_creates_once(site, buyer):
    api = TenantAPIClient(buyer, site.tenant)

    with when_an_order_is_created(terminate_backend):
        lost = api.post(ORDERS, order_body(site), format="json", HTTP_IDEMPOTENCY_KEY="po-1")
    nothing_created = orders(site) == 0
    retry = api.post(ORDERS, order_body(site), format="json", HTTP_IDEMPOTENCY_KEY="po-1")

    assert (lost.status_code, lost.json()["code"], lost["Retry-After"]) == (503, "service_unavailable", "1")
    assert nothing_created
    assert retry.status_code == 201
    assert not retry.has_header("Idempotent-Replayed")
    assert orders(site) == 1
