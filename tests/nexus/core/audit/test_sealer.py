"""The sealer chains committed events per tenant, once, without gaps or forks."""

import datetime as dt
import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.audit.canonical import GENESIS_HASH, compute_hash
from nexus.core.audit.sealer import seal_chains, seal_lag
from nexus.core.audit.verification import verify_chains
from nexus.core.models import ActorRef, AuditEvent
from nexus.core.tasks import seal_audit
from tests.factories.people import TenantFactory
from tests.helpers.concurrency import run_in_parallel

SYSTEM = ActorRef.system("test")


def _chain(tenant_id: int | None) -> list[AuditEvent]:
    with scope.system_context("test: read a chain"):
        return list(AuditEvent.objects.filter(tenant_id=tenant_id).order_by("sequence", "id"))


def _record_in(tenant, action: str) -> AuditEvent:
    with scope.tenant(tenant):
        return record_event(action, actor=SYSTEM, data={"n": action})


@pytest.mark.django_db
@pytest.mark.smoke
def test_each_chain_gets_sequences_from_one_linked_by_hashes(acme, globex):
    a1, g1, a2 = _record_in(acme, "a1"), _record_in(globex, "g1"), _record_in(acme, "a2")
    report = seal_chains([acme.pk, globex.pk])

    assert report.sealed == {acme.pk: 2, globex.pk: 1}
    first, second = _chain(acme.pk)
    assert [(first.pk, first.sequence), (second.pk, second.sequence)] == [(a1.pk, 1), (a2.pk, 2)]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.hash == compute_hash(first)
    assert second.hash == compute_hash(second)
    assert len(first.hash) == 64
    assert first.sealed_at is not None
    (only,) = _chain(globex.pk)
    assert (only.pk, only.sequence, only.prev_hash) == (g1.pk, 1, GENESIS_HASH)


@pytest.mark.django_db
def test_a_later_run_continues_the_chain_and_the_global_chain_stands_apart(acme):
    _record_in(acme, "a1")
    record_event("platform.one", actor=SYSTEM)
    seal_chains()
    head = _chain(acme.pk)[-1]
    _record_in(acme, "a2")
    seal_chains()

    chain = _chain(acme.pk)
    assert [e.sequence for e in chain] == [1, 2]
    assert chain[1].prev_hash == head.hash
    assert [(e.action, e.sequence) for e in _chain(None) if e.action == "platform.one"] == [
        ("platform.one", 1)
    ]


@pytest.mark.django_db
def test_sealing_twice_changes_nothing(acme):
    _record_in(acme, "a1")
    seal_chains()
    before = [(e.pk, e.sequence, e.hash, e.sealed_at) for e in _chain(acme.pk)]
    assert seal_chains([acme.pk]).total == 0
    assert [(e.pk, e.sequence, e.hash, e.sealed_at) for e in _chain(acme.pk)] == before


@pytest.mark.django_db
def test_the_hash_does_not_cover_personal_data(acme):
    with scope.tenant(acme):
        event = record_event("login.succeeded", actor=SYSTEM, personal={"ip": "192.0.2.7"})
    seal_chains()
    with scope.tenant(acme):
        event.refresh_from_db()
    event.personal = {"ip": "198.51.100.1"}
    assert compute_hash(event) == event.hash


@pytest.mark.django_db
def test_batches_chain_a_long_backlog_without_gaps(acme):
    for n in range(7):
        _record_in(acme, f"e{n}")
    report = seal_chains([acme.pk], batch_size=3)
    assert report.sealed == {acme.pk: 7}
    chain = _chain(acme.pk)
    assert [e.sequence for e in chain] == list(range(1, 8))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))


@pytest.mark.django_db
def test_seal_lag_reports_the_oldest_unsealed_event(acme, globex):
    assert seal_lag().unsealed == 0
    assert seal_lag().seconds == 0.0
    with scope.tenant(acme):
        old = record_event("old.one", actor=SYSTEM)
    _record_in(globex, "newer")

    lag = seal_lag()
    assert lag.unsealed == 2
    assert lag.oldest_unsealed_at == old.occurred_at
    assert lag.seconds >= 0
    assert seal_lag([globex.pk]).unsealed == 1
    seal_chains()
    assert seal_lag().as_dict() == {"unsealed": 0, "oldest_unsealed_at": None, "lag_seconds": 0.0}


@pytest.mark.django_db
def test_the_periodic_task_and_the_command_seal(acme, capsys):
    _record_in(acme, "a1")
    assert seal_audit.delay().get() == 1
    _record_in(acme, "a2")
    record_event("platform.one", actor=SYSTEM)

    call_command("seal_audit", "--tenant", "acme")
    out = capsys.readouterr().out
    assert "acme: sealed 1 event(s)" in out
    assert "Sealed 1 event(s) in 1 chain(s)." in out
    assert [e.sequence for e in _chain(acme.pk)] == [1, 2]
    assert any(e.sequence is None for e in _chain(None))


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_an_event_committed_after_a_later_one_was_sealed_takes_the_next_sequence():
    """Ids are assigned at insert, sequences at seal: late commits extend the chain, never fork it."""
    tenant = TenantFactory.create(slug="late")
    inserted, release = threading.Event(), threading.Event()

    def slow_business_transaction(index: int) -> int:
        if index == 0:
            with scope.tenant(tenant), transaction.atomic():
                early = record_event("early.id", actor=SYSTEM)
                inserted.set()
                release.wait(10)
            return early.pk
        inserted.wait(10)
        with scope.tenant(tenant):
            late = record_event("later.id", actor=SYSTEM)  # commits at once
        seal_chains([tenant.pk])
        release.set()
        return late.pk

    outcomes = run_in_parallel(slow_business_transaction, 2)
    early_id, later_id = (o.value for o in outcomes)
    assert early_id < later_id
    seal_chains([tenant.pk])

    chain = _chain(tenant.pk)
    assert [(e.pk, e.sequence) for e in chain] == [(later_id, 1), (early_id, 2)]
    (result,) = verify_chains([tenant.pk])
    assert result.intact
    assert result.verified == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_concurrent_sealers_never_fork_a_chain():
    tenant = TenantFactory.create(slug="busy")
    for n in range(40):
        _record_in(tenant, f"e{n}")

    outcomes = run_in_parallel(lambda i: seal_chains([tenant.pk], batch_size=5), 8)

    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sum(o.value.sealed.get(tenant.pk, 0) for o in outcomes) == 40
    chain = _chain(tenant.pk)
    assert [e.sequence for e in chain] == list(range(1, 41))
    (result,) = verify_chains([tenant.pk])
    assert result.intact
    assert result.verified == 40


@pytest.mark.django_db
def test_seal_lag_seconds_counts_from_the_oldest_event(acme):
    lag = type(seal_lag())(unsealed=1, oldest_unsealed_at=timezone.now() - dt.timedelta(seconds=90))
    assert 90 <= lag.seconds < 100


@pytest.mark.django_db
def test_the_command_seals_the_global_chain_alone_and_refuses_an_unknown_tenant(acme, capsys):
    _record_in(acme, "a1")
    record_event("platform.one", actor=SYSTEM)

    call_command("seal_audit", "--tenant", "global")
    assert "global: sealed 1 event(s)" in capsys.readouterr().out
    assert [e.sequence for e in _chain(acme.pk)] == [None]
    with pytest.raises(CommandError, match="No tenant with the slug 'nope'"):
        call_command("seal_audit", "--tenant", "nope")
