"""``verify_audit_chain`` recomputes the chains and names the first broken link."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.audit.sealer import seal_chains
from nexus.core.audit.verification import verify_chains
from nexus.core.models import ActorRef, AuditEvent

from .conftest import immutability_trigger_disabled

pytestmark = pytest.mark.django_db
SYSTEM = ActorRef.system("test")


@pytest.fixture
def chains(acme, globex) -> dict[str, list[AuditEvent]]:
    for n in range(4):
        with scope.tenant(acme):
            record_event("acme.step", actor=SYSTEM, data={"n": n})
    with scope.tenant(globex):
        record_event("globex.step", actor=SYSTEM, data={"n": 0})
    record_event("platform.step", actor=SYSTEM)
    seal_chains()
    with scope.system_context("test: read chains"):
        acme_chain = list(AuditEvent.objects.filter(tenant=acme).order_by("sequence"))
    return {"acme": acme_chain}


def _tamper(sql: str, params: list) -> None:
    with immutability_trigger_disabled(), scope.system_context("test: tamper"), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify(*args: str) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("verify_audit_chain", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _verify_broken(*args: str) -> str:
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError, match=r"1 of \d+ audit chain\(s\) broken") as excinfo:
        call_command("verify_audit_chain", *args, stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    return err.getvalue()


@pytest.mark.smoke
def test_intact_chains_verify_and_say_how_many_events(chains):
    out, err = _verify()
    assert err == ""
    assert "acme: 4 event(s) verified, head #4 " + chains["acme"][-1].hash in out
    assert "globex: 1 event(s) verified" in out
    assert "global: " in out
    assert "audit chain(s) intact" in out


def test_one_tenant_can_be_verified_alone(chains):
    out, _ = _verify("--tenant", "acme")
    assert out.splitlines()[0].startswith("acme: 4 event(s) verified")
    assert "All 1 audit chain(s) intact: 4 event(s) verified." in out


def test_an_unknown_tenant_is_an_error(chains):
    with pytest.raises(CommandError, match="No tenant with the slug 'nope'"):
        call_command("verify_audit_chain", "--tenant", "nope")


def test_changed_data_is_found(chains):
    third = chains["acme"][2]
    _tamper("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', third.pk])

    err = _verify_broken()
    assert (
        f"acme: BROKEN at sequence #3 (event id {third.pk}): hash does not match the event's content" in err
    )
    assert f"stored {third.hash}" in err
    assert "2 event(s) before it verified" in err
    (result,) = [r for r in verify_chains() if r.chain == third.tenant_id]
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.event_id) == (3, third.pk)


def test_a_deleted_event_is_found_as_a_gap(chains):
    second = chains["acme"][1]
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [second.pk])

    err = _verify_broken("--tenant", "acme")
    third = chains["acme"][2]
    assert (
        f"BROKEN at sequence #3 (event id {third.pk}): sequence gap: expected #2, found #3 (#2 missing)"
        in err
    )


def test_a_reordered_link_is_found(chains):
    second, third = chains["acme"][1], chains["acme"][2]
    _tamper("UPDATE core_auditevent SET prev_hash = %s WHERE id = %s", [third.prev_hash, second.pk])
    _tamper("UPDATE core_auditevent SET prev_hash = %s WHERE id = %s", [second.prev_hash, third.pk])

    err = _verify_broken()
    assert (
        f"BROKEN at sequence #2 (event id {second.pk}): "
        "prev_hash does not match the hash of the previous event: "
        f"stored {third.prev_hash}, expected {second.prev_hash}"
    ) in err


def test_a_rehashed_event_breaks_the_next_link(chains):
    """Recomputing a tampered event's own hash does not help: the next event still points at the old one."""
    from nexus.core.audit.canonical import compute_hash

    second, third = chains["acme"][1], chains["acme"][2]
    second.data = {"n": 42}
    forged = compute_hash(second)
    _tamper("UPDATE core_auditevent SET data = %s, hash = %s WHERE id = %s", ['{"n": 42}', forged, second.pk])

    err = _verify_broken()
    assert f"BROKEN at sequence #3 (event id {third.pk}): prev_hash does not match" in err


def test_unsealed_events_are_reported_but_not_a_failure(chains, acme):
    with scope.tenant(acme):
        record_event("acme.late", actor=SYSTEM)
    out, _ = _verify("--tenant", "acme")
    assert "acme: 4 event(s) verified" in out
    assert "1 not sealed yet" in out
