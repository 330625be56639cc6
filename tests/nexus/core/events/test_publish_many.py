"""Publishing a batch: one insert for all of its events, none when one payload is refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core.events import EventPayloadError, publish_many
from nexus.core.events.registry import register_listener
from nexus.core.models import OutboxEvent
from tests.nexus.core.events.conftest import EVENT, kinds_recorded, record_kind

pytestmark = pytest.mark.django_db


def test_a_batch_is_one_insert_and_each_event_is_delivered_after_commit(in_tenant, run_on_commit):
    register_listener(EVENT, record_kind, name="tests.record_kind")

    with run_on_commit(), CaptureQueriesContext(connection) as queries:
        ids = publish_many([(EVENT, {"gadget_id": n, "quantity": "1"}) for n in (1, 2, 3)])

    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "core_outboxevent"')]
    assert len(inserts) == 1
    stored = OutboxEvent.objects.in_bulk(ids)
    assert [stored[pk].payload["gadget_id"] for pk in ids] == [1, 2, 3]
    assert kinds_recorded() == [f"counted {n} (event {pk})" for n, pk in zip((1, 2, 3), ids, strict=True)]


def test_one_refused_payload_writes_none_of_the_batch(in_tenant):
    with pytest.raises(EventPayloadError):
        publish_many([(EVENT, {"gadget_id": 1, "quantity": "1"}), (EVENT, {"gadget_id": 2})])

    assert not OutboxEvent.objects.exists()
