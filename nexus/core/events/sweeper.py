"""The sweeper: the only place that retries, and the safety net under Celery.

It delivers, itself, every event no Celery task finished within ``OUTBOX_SWEEP_AFTER_SECONDS``
(the broker was down at commit, the message was lost, the worker died), then retries every failed
delivery whose next attempt is due. Each item is picked with ``SELECT … FOR UPDATE SKIP LOCKED``
and handled in its own transaction, so several sweepers can run at once without doing the same
work twice. Runs in the system context: Celery beat every few seconds (``core.sweep_outbox``),
``manage.py dispatch_outbox``, or in-process in the embedded mode.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from nexus.core import scope
from nexus.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent

from . import settings as outbox_settings
from .delivery import deliver, retry_delivery
from .registry import listeners_for
from .scoping import LAG_REPORT_REASON, SWEEPER_REASON

logger = logging.getLogger(__name__)

RETRYABLE = (DeliveryStatus.FAILED, DeliveryStatus.PENDING)


@dataclass
class SweepReport:
    events_dispatched: int = 0
    deliveries_retried: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def idle(self) -> bool:
        """Nothing was handed out or retried (errors alone are no progress)."""
        return not (self.events_dispatched or self.deliveries_retried)

    def add(self, other: "SweepReport") -> None:
        self.events_dispatched += other.events_dispatched
        self.deliveries_retried += other.deliveries_retried
        self.delivered += other.delivered
        self.failed += other.failed
        self.dead += other.dead
        self.errors.extend(other.errors)

    def count(self, status: DeliveryStatus | None) -> None:
        if status == DeliveryStatus.DELIVERED:
            self.delivered += 1
        elif status == DeliveryStatus.FAILED:
            self.failed += 1
        elif status == DeliveryStatus.DEAD:
            self.dead += 1

    def summary(self) -> str:
        return (
            f"{self.events_dispatched} events dispatched, {self.deliveries_retried} deliveries retried: "
            f"{self.delivered} delivered, {self.failed} failed, {self.dead} dead"
            + (f", {len(self.errors)} errors" if self.errors else "")
        )


def sweep(limit: int | None = None) -> SweepReport:
    """Dispatch stranded events and retry due deliveries, at most ``limit`` of each."""
    limit = outbox_settings.sweep_batch() if limit is None else limit
    report = SweepReport()
    with scope.system_context(SWEEPER_REASON):
        _dispatch_stranded_events(limit, report)
        _retry_due_deliveries(limit, report)
    return report


def _dispatch_stranded_events(limit: int, report: SweepReport) -> None:
    cutoff = timezone.now() - outbox_settings.sweep_after()
    skipped: list[int] = []
    while report.events_dispatched < limit:
        event = None
        try:
            with transaction.atomic():
                event = (
                    OutboxEvent.objects.filter(
                        enqueued_at__isnull=True, historical=False, occurred_at__lte=cutoff
                    )
                    .exclude(pk__in=skipped)
                    .order_by("occurred_at", "id")
                    # NO KEY UPDATE: a concurrent Celery delivery can still insert delivery rows
                    # (their foreign key takes KEY SHARE on the event) instead of waiting for us.
                    .select_for_update(skip_locked=True, no_key=True)
                    .first()
                )
                if event is None:
                    return
                for item in listeners_for(event.name):
                    report.count(deliver(event, item))
                event.enqueued_at = timezone.now()
                event.save(update_fields=["enqueued_at"])
        except Exception as exc:  # one broken event must not stop the sweep; it stays stranded
            logger.exception("sweeper could not dispatch outbox event %s", event.pk if event else "?")
            if event is None:
                report.errors.append(f"picking events: {exc}")
                return
            skipped.append(event.pk)
            report.errors.append(f"event {event.pk}: {exc}")
            continue
        report.events_dispatched += 1


def _retry_due_deliveries(limit: int, report: SweepReport) -> None:
    skipped: list[int] = []
    while report.deliveries_retried < limit:
        delivery = None
        try:
            with transaction.atomic():
                delivery = (
                    OutboxDelivery.objects.filter(status__in=RETRYABLE, next_attempt_at__lte=timezone.now())
                    .exclude(pk__in=skipped)
                    .select_related("event")
                    .order_by("next_attempt_at", "id")
                    .select_for_update(skip_locked=True, of=("self",))
                    .first()
                )
                if delivery is None:
                    return
                report.count(retry_delivery(delivery))
        except Exception as exc:  # as above: record, skip, carry on
            logger.exception("sweeper could not retry outbox delivery %s", delivery.pk if delivery else "?")
            if delivery is None:
                report.errors.append(f"picking deliveries: {exc}")
                return
            skipped.append(delivery.pk)
            report.errors.append(f"delivery {delivery.pk}: {exc}")
            continue
        report.deliveries_retried += 1


def outbox_lag(now: datetime | None = None) -> float | None:
    """Seconds since the oldest event still waiting for a listener, or None when none waits.

    An event waits while no delivery has finished handing it out, or while one of its
    deliveries failed and will be tried again. Dead deliveries do not count: they wait for a
    person, and ``outbox_report`` counts them. Call in the system context.
    """
    now = now or timezone.now()
    undispatched = OutboxEvent.objects.filter(enqueued_at__isnull=True, historical=False).aggregate(
        oldest=Min("occurred_at")
    )["oldest"]
    retrying = OutboxDelivery.objects.filter(status__in=RETRYABLE).aggregate(
        oldest=Min("event__occurred_at")
    )["oldest"]
    oldest = min((t for t in (undispatched, retrying) if t is not None), default=None)
    return None if oldest is None else max(0.0, (now - oldest).total_seconds())


def outbox_report() -> dict[str, float | int | None]:
    """The outbox's health for readiness: lag in seconds and deliveries given up."""
    with scope.system_context(LAG_REPORT_REASON):
        return {
            "outbox_lag_seconds": outbox_lag(),
            "outbox_dead_deliveries": OutboxDelivery.objects.filter(status=DeliveryStatus.DEAD).count(),
        }
