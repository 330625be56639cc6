"""Writes declared with a transition: every caller of the service runs them, a replay none."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core.models import TransitionLog
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import (
    TransitionChange,
    declare_lock_first,
    declare_writes,
    declared_writes,
    perform_transition,
)
from nexus.core.transitions import writes as registry
from tests.kernel_example.models import Gadget, GadgetNote, GadgetStatus
from tests.kernel_example.writes import keep_archive_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Declarations made by the test vanish with it (the apps' own are set aside meanwhile)."""
    monkeypatch.setattr(registry, "_writes", {})
    monkeypatch.setattr(registry, "_locks_first", {})


def test_the_service_runs_the_declared_writes_with_the_locked_row_and_the_request(gadget, admin_user):
    result = perform_transition(
        gadget, "archive", actor=admin_user, reason="end of line", payload={"note": "to the museum"}
    )

    assert declared_writes(Gadget, "archive") is keep_archive_note
    note = GadgetNote.objects.get()
    assert result.output == note
    assert (note.gadget_id, note.text) == (gadget.pk, "to the museum")
    assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.ARCHIVED


@pytest.mark.usefixtures("empty_registry")
def test_the_writes_see_the_change_as_it_happens(gadget, admin_user):
    seen: list[TransitionChange] = []

    def remember(change: TransitionChange) -> str:
        seen.append(change)
        fresh = Gadget.objects.get(pk=change.instance.pk)
        return f"{change.instance.status}/{fresh.status}"

    declare_writes(Gadget, "reject", remember)
    result = perform_transition(gadget, "reject", actor=admin_user, reason=" too red ", payload={"n": 1})

    (change,) = seen
    assert (change.name, change.reason, dict(change.payload)) == ("reject", "too red", {"n": 1})
    assert (change.actor, change.actor_ref) == (admin_user, ActorRef.for_user(admin_user))
    assert (change.from_state, change.to_state) == ("draft", "rejected")
    # The row is already in its new state in memory, saved only after the writes.
    assert result.output == "rejected/draft"


@pytest.mark.usefixtures("empty_registry")
def test_what_the_writes_change_on_the_row_is_saved_with_the_state(gadget, admin_user):
    def halve(change: TransitionChange) -> None:
        change.instance.quantity = change.instance.quantity / 2

    declare_writes(Gadget, "approve", halve)
    perform_transition(gadget, "approve", actor=admin_user)

    fresh = Gadget.objects.get(pk=gadget.pk)
    assert (fresh.status, fresh.quantity) == (GadgetStatus.APPROVED, Decimal("2.500"))


def test_a_replay_runs_the_declared_writes_once(gadget, admin_user):
    first = perform_transition(gadget, "archive", actor=admin_user, reason="gone", idempotency_key="k")
    again = perform_transition(gadget, "archive", actor=admin_user, reason="gone", idempotency_key="k")

    assert (first.replayed, again.replayed, again.output) == (False, True, None)
    assert list(GadgetNote.objects.values_list("text", flat=True)) == ["gone"]


def test_failing_declared_writes_roll_the_transition_back(gadget, admin_user, monkeypatch):
    def fail(change: TransitionChange) -> None:
        GadgetNote.objects.create(gadget=change.instance, text="half done")
        raise RuntimeError("the vendor said no")

    monkeypatch.setitem(registry._writes, ("kernel_example.gadget", "archive"), fail)

    with pytest.raises(RuntimeError, match="the vendor said no"):
        perform_transition(gadget, "archive", actor=admin_user)

    assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.DRAFT
    assert (GadgetNote.objects.count(), TransitionLog.objects.count()) == (0, 0)


def test_a_caller_cannot_add_writes_to_a_transition_that_declares_its_own(gadget, admin_user):
    with pytest.raises(ImproperlyConfigured, match=r"Gadget\.archive declares its writes"):
        perform_transition(gadget, "archive", actor=admin_user, writes=keep_archive_note)

    assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.DRAFT
    assert (GadgetNote.objects.count(), TransitionLog.objects.count()) == (0, 0)


@pytest.mark.usefixtures("empty_registry")
def test_a_transition_is_declared_once_by_class_or_label():
    declare_writes(Gadget, ["archive", "reject"], keep_archive_note)
    declare_writes("kernel_example.gadget", "archive", keep_archive_note)  # the same again: no change

    def other(change: TransitionChange) -> None: ...

    with pytest.raises(
        ImproperlyConfigured, match=r"Gadget\.reject already has writes \(.*keep_archive_note\)"
    ):
        declare_writes("kernel_example.Gadget", "reject", other)
    assert declared_writes(Gadget, "reject") is keep_archive_note
    assert declared_writes(Gadget, "approve") is None


@pytest.mark.usefixtures("empty_registry")
def test_declaring_writes_for_an_undeclared_transition_fails_at_once():
    with pytest.raises(ImproperlyConfigured, match="Gadget has no transition 'archve'"):
        declare_writes(Gadget, "archve", keep_archive_note)
    with pytest.raises(LookupError):
        declare_writes("kernel_example.gizmo", "archive", keep_archive_note)


@pytest.mark.usefixtures("empty_registry")
def test_a_lock_declared_first_is_taken_in_the_transaction_before_the_row(gadget, admin_user):
    taken: list[tuple[int, bool]] = []

    def lock_first(pk: int) -> None:
        taken.append((pk, connection.in_atomic_block))
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 AS lock_first")

    declare_lock_first(Gadget, "approve", lock_first)
    with CaptureQueriesContext(connection) as approving:
        perform_transition(gadget, "approve", actor=admin_user)
    perform_transition(gadget, "archive", actor=admin_user)

    assert taken == [(gadget.pk, True)]
    statements = [query["sql"] for query in approving.captured_queries]
    first = statements.index("SELECT 1 AS lock_first")
    row_lock = next(i for i, sql in enumerate(statements) if "FOR UPDATE" in sql and "gadget" in sql)
    assert first < row_lock
