"""The idempotency store: a key holds one answer for a day, then is taken over and purged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nexus.core import idempotency, retention, scope
from nexus.core.errors import IdempotencyMismatch
from nexus.core.models import IdempotencyRecord
from nexus.core.models.refs import ActorRef
from nexus.tenancy.models import Tenant
from tests.factories.people import TenantFactory

pytestmark = pytest.mark.django_db

ANA = ActorRef("user", "7", "ana@example.com")


@pytest.fixture
def tenant(db: None) -> Tenant:
    return TenantFactory.create(slug="acme")


def key_scope(tenant: Tenant | None, key: str = "k-1", actor: ActorRef = ANA) -> idempotency.KeyScope:
    return idempotency.KeyScope(
        tenant_id=tenant.pk if tenant else None,
        actor=actor,
        method="POST",
        route="api/v1/purchase-orders/$",
        arguments={},
        key=key,
    )


def answered(tenant: Tenant, key: str, *, hours_old: float, digest: str = "d") -> IdempotencyRecord:
    with scope.tenant(tenant):
        claim = idempotency.claim(key_scope(tenant, key), digest)
        idempotency.store_answer(claim.record, 201, {"Content-Type": "application/json"}, b'{"id": 1}')
        IdempotencyRecord.objects.filter(pk=claim.record.pk).update(
            created_at=timezone.now() - timedelta(hours=hours_old)
        )
        return IdempotencyRecord.objects.get(pk=claim.record.pk)


def test_a_new_key_is_claimed_and_a_stored_one_answers_again(tenant):
    with scope.tenant(tenant):
        first = idempotency.claim(key_scope(tenant), "d")
        idempotency.store_answer(first.record, 201, {"Content-Type": "application/json"}, b'{"id": 1}')
        again = idempotency.claim(key_scope(tenant), "d")

    assert (first.earlier, again.earlier) == (False, True)
    assert again.record.pk == first.record.pk
    assert (again.record.status_code, bytes(again.record.body)) == (201, b'{"id": 1}')


def test_a_stored_key_with_another_request_is_refused(tenant):
    answered(tenant, "k-1", hours_old=1)

    with scope.tenant(tenant), pytest.raises(IdempotencyMismatch):
        idempotency.claim(key_scope(tenant), "another")


def test_a_key_older_than_its_lifetime_is_taken_over_by_a_new_request(tenant):
    old = answered(tenant, "k-1", hours_old=25)

    with scope.tenant(tenant):
        claim = idempotency.claim(key_scope(tenant), "another")

    assert (claim.earlier, claim.record.pk) == (False, old.pk)
    assert (claim.record.status_code, claim.record.request_digest, bytes(claim.record.body)) == (
        None,
        "another",
        b"",
    )


def test_a_key_without_a_tenant_is_kept_for_its_caller(db):
    first = idempotency.claim(key_scope(None), "d")
    idempotency.store_answer(first.record, 200, {}, b"{}")

    again = idempotency.claim(key_scope(None), "d")
    someone_else = idempotency.claim(key_scope(None, actor=ActorRef("user", "8")), "d")

    assert (again.earlier, someone_else.earlier) == (True, False)


def test_keys_older_than_a_day_are_purged_by_the_retention_rules(tenant, settings):
    settings.NEXUS_IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)
    answered(tenant, "old", hours_old=25)
    fresh = answered(tenant, "fresh", hours_old=23)

    done = retention.purge_all()

    assert done["core.idempotency_keys"] == 1
    with scope.tenant(tenant):
        assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_request_digest_ignores_key_order_but_not_values():
    same = idempotency.request_digest({}, {"a": 1, "b": [1, 2]})

    assert idempotency.request_digest({}, {"b": [1, 2], "a": 1}) == same
    assert idempotency.request_digest({}, {"a": 1, "b": [2, 1]}) != same
    assert idempotency.request_digest({"page": ["2"]}, {"a": 1, "b": [1, 2]}) != same
