"""Past transitions recorded set-based: the same log rows and audit events as the service writes."""

import datetime as dt

import pytest

from nexus.core.audit.sealer import seal_chains
from nexus.core.audit.verification import verify_chain
from nexus.core.models import AuditEvent, TransitionLog
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import PastTransition, perform_transition, record_past_transitions
from tests.factories.kernel_example import GadgetFactory
from tests.kernel_example.models import GadgetStatus

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

LOADER = ActorRef.system("import")
MONDAY = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def test_steps_are_logged_and_audited_in_time_order(in_tenant):
    first, second = GadgetFactory.create(name="first"), GadgetFactory.create(name="second")

    logs = record_past_transitions(
        [
            PastTransition(
                first, "archive", GadgetStatus.APPROVED, GadgetStatus.ARCHIVED, MONDAY + dt.timedelta(days=1)
            ),
            PastTransition(first, "approve", GadgetStatus.DRAFT, GadgetStatus.APPROVED, MONDAY),
            PastTransition(second, "reject", GadgetStatus.DRAFT, GadgetStatus.REJECTED, MONDAY, "too late"),
        ],
        actor=LOADER,
        tenant_id=in_tenant.pk,
    )

    rows = list(
        TransitionLog.objects.order_by("id").values_list(
            "object_id", "transition", "from_state", "to_state", "reason", "occurred_at", "actor_label"
        )
    )
    assert rows == [
        (str(first.pk), "approve", "draft", "approved", "", MONDAY, "import"),
        (str(second.pk), "reject", "draft", "rejected", "too late", MONDAY, "import"),
        (str(first.pk), "archive", "approved", "archived", "", MONDAY + dt.timedelta(days=1), "import"),
    ]
    assert [log.pk for log in logs] == [row.pk for row in TransitionLog.objects.order_by("id")]
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.object_id, e.object_label, e.occurred_at) for e in events] == [
        ("kernel_example.gadget.approve", str(first.pk), "first", MONDAY),
        ("kernel_example.gadget.reject", str(second.pk), "second", MONDAY),
        ("kernel_example.gadget.archive", str(first.pk), "first", MONDAY + dt.timedelta(days=1)),
    ]
    assert events[1].data == {
        "transition_log_id": logs[1].pk,
        "from_state": "draft",
        "to_state": "rejected",
        "reason": "too late",
        "idempotency_key": "",
    }
    assert {e.tenant_id for e in events} == {in_tenant.pk}
    assert {e.sealed_at for e in events} == {None}


def test_past_steps_audit_like_the_service_and_seal_into_an_intact_chain(in_tenant, admin_user):
    loaded, live = GadgetFactory.create(), GadgetFactory.create(quantity=3)
    record_past_transitions(
        [PastTransition(loaded, "approve", GadgetStatus.DRAFT, GadgetStatus.APPROVED, MONDAY)],
        actor=LOADER,
        tenant_id=in_tenant.pk,
    )
    perform_transition(live, "approve", actor=admin_user)

    past, present = AuditEvent.objects.order_by("id")
    assert set(past.data) == set(present.data)
    assert (past.action, past.object_type) == (present.action, present.object_type)
    assert seal_chains([in_tenant.pk]).total == 2
    assert verify_chain(in_tenant.pk).intact


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        (("approve", GadgetStatus.APPROVED, GadgetStatus.ARCHIVED), "cannot start in state 'approved'"),
        (("approve", GadgetStatus.DRAFT, GadgetStatus.REJECTED), "leads to"),
        (("reject", GadgetStatus.DRAFT, GadgetStatus.REJECTED), "needs a reason"),
    ],
)
def test_a_step_the_workflow_does_not_allow_writes_nothing(in_tenant, step, problem):
    gadget = GadgetFactory.create()
    good = PastTransition(gadget, "approve", GadgetStatus.DRAFT, GadgetStatus.APPROVED, MONDAY)
    name, source, target = step

    with pytest.raises(ValueError, match=problem):
        record_past_transitions(
            [good, PastTransition(gadget, name, source, target, MONDAY)], actor=LOADER, tenant_id=in_tenant.pk
        )

    assert TransitionLog.objects.count() == 0
    assert AuditEvent.objects.count() == 0
