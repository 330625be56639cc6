"""Concurrent transitions of one record on PostgreSQL: the row lock lets exactly one through."""

from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.errors import TransitionNotAllowed
from nexus.core.models import AuditEvent, TransitionLog
from nexus.core.transitions import TransitionResult, perform_transition
from nexus.tenancy.models import Role
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.helpers.concurrency import run_in_parallel
from tests.kernel_example.models import Gadget, GadgetStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture
def setup() -> tuple[int, int, int]:
    """A committed tenant, its administrator and a draft gadget: (tenant id, user id, gadget id)."""
    tenant = TenantFactory.create(slug="acme")
    admin = MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user
    with scope.tenant(tenant):
        gadget = GadgetFactory.create(quantity=Decimal("2"))
    return tenant.pk, admin.pk, gadget.pk


def approve_in_thread(tenant_id: int, user_id: int, gadget_id: int, key: str = "") -> TransitionResult:
    from nexus.accounts.models import User

    user = User.objects.get(pk=user_id)  # each thread its own user object (roles are cached on it)
    with scope.tenant(tenant_id):
        return perform_transition((Gadget, gadget_id), "approve", actor=user, idempotency_key=key)


def test_eight_threads_approving_at_once_give_one_transition_and_seven_conflicts(setup):
    tenant_id, user_id, gadget_id = setup

    outcomes = run_in_parallel(lambda i: approve_in_thread(tenant_id, user_id, gadget_id), THREADS)

    succeeded = [o for o in outcomes if o.ok]
    refused = [o.error for o in outcomes if not o.ok]
    assert len(succeeded) == 1
    assert len(refused) == THREADS - 1
    assert all(isinstance(error, TransitionNotAllowed) for error in refused)
    assert {error.detail for error in refused} == {"cannot approve: the gadget is approved"}  # type: ignore[union-attr]
    assert {error.status for error in refused} == {409}  # type: ignore[union-attr]
    with scope.tenant(tenant_id):
        assert TransitionLog.objects.count() == 1
        assert AuditEvent.objects.filter(action="kernel_example.gadget.approve").count() == 1
        assert Gadget.objects.get(pk=gadget_id).status == GadgetStatus.APPROVED


def test_eight_threads_with_one_idempotency_key_get_one_transition_and_seven_replays(setup):
    tenant_id, user_id, gadget_id = setup

    outcomes = run_in_parallel(
        lambda i: approve_in_thread(tenant_id, user_id, gadget_id, "same-click"), THREADS
    )

    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    results: list[TransitionResult] = [o.value for o in outcomes]
    assert sorted(r.replayed for r in results) == [False] + [True] * (THREADS - 1)
    assert len({r.log.pk for r in results}) == 1
    with scope.tenant(tenant_id):
        assert TransitionLog.objects.count() == 1
        assert AuditEvent.objects.filter(action="kernel_example.gadget.approve").count() == 1
