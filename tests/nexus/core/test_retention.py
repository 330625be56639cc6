"""Retention: purge rules registered by apps delete old rows in batches; history is refused a rule."""

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from nexus.core import retention, scope
from nexus.core.models import AuditEvent, DeliveryStatus, OutboxDelivery, OutboxEvent, TransitionLog
from nexus.core.retention import PurgeRuleRefused, purge, purge_all, register_purge_rule
from nexus.tenancy.models import Tenant
from tests.factories.people import TenantFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {"order_id": 1, "number": "SO-1", "customer_id": 2, "reason": "test", "schema_version": 1}


@pytest.fixture
def tenant(db: None) -> Tenant:
    return TenantFactory.create(slug="acme")


@pytest.fixture
def rules() -> Iterator[None]:
    """Register rules for the length of a test; the apps' own rules come back afterwards."""
    saved = dict(retention._rules)
    yield
    retention._rules.clear()
    retention._rules.update(saved)


def event(tenant: Tenant, *, days_old: int, dispatched: bool = True, historical: bool = False) -> OutboxEvent:
    occurred = timezone.now() - timedelta(days=days_old)
    with scope.tenant(tenant):
        return OutboxEvent.objects.create(
            tenant_id=tenant.pk,
            name="sales.order_cancelled",
            payload=PAYLOAD,
            occurred_at=occurred,
            enqueued_at=occurred if dispatched else None,
            historical=historical,
        )


def delivery(of: OutboxEvent, status: str, *, days_old: int, listener: str = "a.listener") -> OutboxDelivery:
    with scope.tenant(of.tenant_id):
        return OutboxDelivery.objects.create(
            event=of,
            tenant_id=of.tenant_id,
            listener=listener,
            status=status,
            delivered_at=timezone.now() - timedelta(days=days_old)
            if status == DeliveryStatus.DELIVERED
            else None,
        )


def remaining() -> tuple[list[int], list[int]]:
    with scope.system_context("tests: what is left"):
        return (
            sorted(OutboxEvent.objects.values_list("pk", flat=True)),
            sorted(OutboxDelivery.objects.values_list("pk", flat=True)),
        )


def test_the_outbox_rules_are_registered_at_startup():
    names = [rule.name for rule in retention.purge_rules()]
    assert names.index("core.outbox_deliveries") < names.index("core.outbox_events")


@pytest.mark.smoke
def test_old_delivered_outbox_rows_go_and_everything_else_stays(tenant, settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    delivered = event(tenant, days_old=40)
    delivery(delivered, DeliveryStatus.DELIVERED, days_old=40, listener="one")
    delivery(delivered, DeliveryStatus.DELIVERED, days_old=39, listener="two")
    with_dead = event(tenant, days_old=40)
    delivery(with_dead, DeliveryStatus.DELIVERED, days_old=40, listener="one")
    dead = delivery(with_dead, DeliveryStatus.DEAD, days_old=40, listener="two")
    late = event(tenant, days_old=40)
    late_delivery = delivery(late, DeliveryStatus.DELIVERED, days_old=5)
    recent = event(tenant, days_old=5)
    recent_delivery = delivery(recent, DeliveryStatus.DELIVERED, days_old=5)
    nobody_listened = event(tenant, days_old=40)
    stranded = event(tenant, days_old=40, dispatched=False)
    history = event(tenant, days_old=400, historical=True)

    done = purge_all()

    assert done["core.outbox_deliveries"] == 3
    assert done["core.outbox_events"] == 2  # "delivered" and "nobody_listened"
    assert nobody_listened.pk not in remaining()[0]
    assert remaining() == (
        sorted([with_dead.pk, late.pk, recent.pk, stranded.pk, history.pk]),
        sorted([dead.pk, late_delivery.pk, recent_delivery.pk]),
    )


def test_a_dry_run_counts_and_deletes_nothing(tenant):
    old = event(tenant, days_old=90)
    delivery(old, DeliveryStatus.DELIVERED, days_old=90)
    out = StringIO()

    call_command("purge_expired", "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert "core.outbox_deliveries: 1 row(s) older than 30 days, 0:00:00 would be deleted" in lines
    assert "core.outbox_events: 0 row(s) older than 30 days, 0:00:00 would be deleted" in lines
    assert len(remaining()[1]) == 1


def test_the_command_purges_in_batches_with_a_progress_bar(tenant, rules):
    for _ in range(5):
        event(tenant, days_old=10)
    retention._rules.clear()
    register_purge_rule(
        "tests.old_events",
        lambda: OutboxEvent.objects.all(),
        older_than=timedelta(days=7),
        field="occurred_at",
    )
    out = StringIO()

    call_command("purge_expired", "--batch-size", "2", stdout=out)

    assert out.getvalue() == (
        "\rtests.old_events: [------------------------------] 0/5"
        "\rtests.old_events: [############------------------] 2/5"
        "\rtests.old_events: [########################------] 4/5"
        "\rtests.old_events: [##############################] 5/5\n"
        "5 row(s) deleted.\n"
    )
    assert remaining() == ([], [])


def test_purge_yields_progress_per_batch(tenant, rules):
    for _ in range(3):
        event(tenant, days_old=10)
    rule = register_purge_rule(
        "tests.old_events",
        lambda: OutboxEvent.objects.all(),
        older_than=timedelta(days=7),
        field="occurred_at",
    )

    with scope.system_context("tests: purge"):
        progress = [(step.deleted, step.total) for step in purge(rule, batch_size=2)]

    assert progress == [(0, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("model", [AuditEvent, TransitionLog])
def test_history_can_never_get_a_purge_rule(model, rules):
    with pytest.raises(
        PurgeRuleRefused, match=rf"core\.{model.__name__} rows are history and are never purged"
    ):
        register_purge_rule(
            "tests.history", lambda: model.objects.all(), older_than=timedelta(days=1), field="id"
        )

    assert "tests.history" not in [rule.name for rule in retention.purge_rules()]


def test_a_rule_must_name_a_real_field_and_setting(rules):
    with pytest.raises(PurgeRuleRefused, match=r"core\.OutboxEvent has no field 'created'"):
        register_purge_rule(
            "tests.a", lambda: OutboxEvent.objects.all(), older_than=timedelta(days=1), field="created"
        )
    with pytest.raises(
        PurgeRuleRefused, match=r"setting 'NO_SUCH_DAYS' \(the retention period of tests\.b\) is not defined"
    ):
        register_purge_rule(
            "tests.b", lambda: OutboxEvent.objects.all(), older_than="NO_SUCH_DAYS", field="occurred_at"
        )


def test_a_rule_name_is_taken_once(rules):
    register_purge_rule(
        "tests.once", lambda: OutboxEvent.objects.all(), older_than=timedelta(days=1), field="id"
    )

    with pytest.raises(PurgeRuleRefused, match=r"a purge rule named 'tests\.once' is already registered"):
        register_purge_rule(
            "tests.once", lambda: OutboxEvent.objects.all(), older_than=timedelta(days=2), field="id"
        )
