"""Entering the system context leaves an audit event naming the reason."""

import pytest

from nexus.core import scope
from nexus.core.audit.sealer import seal_chains, seal_lag
from nexus.core.models import ActorKind, AuditEvent

pytestmark = pytest.mark.django_db


def _entries() -> list[tuple[int | None, str, str, dict]]:
    with scope.system_context("test: read entries"):
        rows = AuditEvent.objects.filter(action="system.context_entered").order_by("id")
        return [(e.tenant_id, e.actor_kind, e.actor_label, e.data) for e in rows]


@pytest.mark.smoke
def test_each_entry_is_recorded_with_its_reason_in_the_current_chain(acme):
    with scope.system_context("demo loader"):
        pass
    with scope.tenant(acme), scope.system_context("invitation look-up"):
        pass

    mine = [entry for entry in _entries() if entry[2] in {"demo loader", "invitation look-up"}]
    assert mine == [
        (None, ActorKind.SYSTEM, "demo loader", {"reason": "demo loader"}),
        (acme.pk, ActorKind.SYSTEM, "invitation look-up", {"reason": "invitation look-up"}),
    ]


def test_the_periodic_jobs_and_their_lag_reports_are_not_recorded(acme):
    from nexus.core.events.sweeper import outbox_report, sweep

    before = len(_entries())

    seal_chains()
    seal_lag()
    sweep()
    outbox_report()

    # Only the test's own read of the entries was recorded in between.
    assert [label for _, _, label, _ in _entries()[before:]] == ["test: read entries"]
