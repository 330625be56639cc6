"""Erasing personal data leaves every chain verifiable."""

import pytest

from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.audit.erasure import erase_personal_data
from nexus.core.audit.sealer import seal_chains
from nexus.core.audit.verification import verify_chains
from nexus.core.models import ActorKind, ActorRef, AuditEvent, ObjectRef, OutboxEvent, TransitionLog

pytestmark = pytest.mark.django_db

ANN = ActorRef(ActorKind.USER, "11", "ann@example.com")
BOB = ActorRef(ActorKind.USER, "12", "bob@example.com")
DPO = ActorRef(ActorKind.USER, "99", "dpo@example.com")
ANN_ACCOUNT = ObjectRef("accounts.user", "11", "ann@example.com")


@pytest.fixture
def history(acme, globex):
    with scope.tenant(acme):
        record_event("login.succeeded", actor=ANN, personal={"ip": "192.0.2.1"})
        record_event("login.succeeded", actor=BOB, personal={"ip": "192.0.2.2"})
    with scope.tenant(globex):
        record_event("login.succeeded", actor=ANN, personal={"ip": "192.0.2.3", "agent": "Firefox"})
    record_event("user.email_changed", actor=DPO, obj=ANN_ACCOUNT, personal={"old": "ann@old.example"})
    seal_chains()


def _personal_by_actor() -> list[tuple[str, str, dict | None]]:
    with scope.system_context("test: read"):
        rows = AuditEvent.objects.exclude(action="system.context_entered").order_by("id")
        return [(e.actor_id, e.action, e.personal) for e in rows]


@pytest.mark.smoke
def test_erasing_an_actor_clears_their_personal_data_in_every_tenant_and_chains_still_verify(history):
    assert erase_personal_data(erased_by=DPO, actor=ANN) == 2

    assert _personal_by_actor()[:4] == [
        ("11", "login.succeeded", None),
        ("12", "login.succeeded", {"ip": "192.0.2.2"}),
        ("11", "login.succeeded", None),
        ("99", "user.email_changed", {"old": "ann@old.example"}),
    ]
    seal_chains()
    results = verify_chains()
    assert all(result.intact for result in results), [r.broken for r in results]


def test_erasing_by_object_and_the_erasure_is_itself_recorded(history):
    assert erase_personal_data(erased_by=DPO, actor=ANN, obj=ANN_ACCOUNT) == 3

    with scope.system_context("test: read"):
        (erasure,) = AuditEvent.objects.filter(action="audit.personal_data_erased")
    assert erasure.tenant_id is None
    assert erasure.actor == DPO
    assert erasure.data == {
        "events": 3,
        "actor": {"kind": "user", "id": "11"},
        "object": {"type": "accounts.user", "id": "11"},
    }
    assert all(
        personal is None
        for actor, _, personal in _personal_by_actor()
        if actor in {"11", "99"} and _ != "audit.personal_data_erased"
    )


def test_erasing_again_clears_nothing_more(history):
    erase_personal_data(erased_by=DPO, actor=ANN)
    assert erase_personal_data(erased_by=DPO, actor=ANN) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "name the actor or the object"),
        ({"actor": ActorRef(ActorKind.ANONYMOUS)}, "needs the actor's id"),
        ({"obj": ObjectRef("accounts.user", "")}, "needs the object's id"),
    ],
)
def test_an_erasure_that_names_nobody_is_refused_and_changes_nothing(history, kwargs, message):
    before = _personal_by_actor()
    with pytest.raises(ValueError, match=message):
        erase_personal_data(erased_by=DPO, **kwargs)
    assert _personal_by_actor() == before


def test_identifying_texts_clear_transition_log_labels_and_redact_outbox_payloads(acme):
    logged_by = [
        ActorRef.system("GR-1 posted by Ann@Example.com"),
        ANN,
        ActorRef(ActorKind.USER, "12", "Dan (bob@example.com)"),
    ]
    with scope.tenant(acme):
        for number, actor in enumerate(logged_by, start=1):
            TransitionLog.objects.create(
                tenant=acme,
                actor_kind=actor.kind,
                actor_id=actor.id,
                actor_label=actor.label,
                object_type="x.y",
                object_id=str(number),
                transition="post",
                from_state="draft",
                to_state="posted",
            )
    with scope.admitting(None, reason="test: write the outbox"):
        OutboxEvent.objects.create(
            name="accounts.login_failed",
            payload={"user_id": 11, "username": "ANN@example.com", "reason": "x"},
        )
        OutboxEvent.objects.create(
            name="accounts.login_failed", payload={"user_id": 12, "username": "bob@example.com"}
        )

    erase_personal_data(
        erased_by=DPO, actor=ANN, identifying=["ann@example.com", "an"]
    )  # "an" is too short to mean Ann

    with scope.system_context("test: read"):
        labels = list(TransitionLog.objects.order_by("object_id").values_list("actor_label", flat=True))
        payloads = list(OutboxEvent.objects.order_by("id").values_list("payload", flat=True))
        (erasure,) = AuditEvent.objects.filter(action="audit.personal_data_erased")
    assert labels == ["", "", "Dan (bob@example.com)"]
    assert payloads == [
        {"user_id": 11, "username": "", "reason": "x"},
        {"user_id": 12, "username": "bob@example.com"},
    ]
    assert (erasure.data["transition_logs"], erasure.data["outbox_events"]) == (2, 1)
