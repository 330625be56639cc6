"""Nightly planning: a replenishment run per active tenant, queued one task per tenant."""

import logging

from celery import shared_task

from nexus.core import scope
from nexus.core.models.refs import ActorRef

from . import wiring
from .workflows.replenishment import run_replenishment

logger = logging.getLogger(__name__)
NIGHTLY = ActorRef.system("nightly replenishment")


@shared_task(name="supply_chain_ops.nightly_replenishment", ignore_result=True)
def nightly_replenishment() -> int:
    """Queue one replenishment run per active tenant; return how many were queued."""
    tenants = wiring.replenishment_data().tenants()
    for tenant_id, _ in tenants:
        # Queued inside the tenant's scope, the task carries the tenant to the worker.
        with scope.tenant(tenant_id):
            replenish_tenant.delay()
    return len(tenants)


@shared_task(name="supply_chain_ops.replenish_tenant", ignore_result=True)
def replenish_tenant() -> int:
    """Run replenishment for the tenant the task was queued in; return the run's id."""
    run = run_replenishment(actor=NIGHTLY, trigger="nightly")
    logger.info(
        "replenishment run %s of tenant %s: %s series", run, scope.require_tenant_id(), run.series_count
    )
    return run.pk
