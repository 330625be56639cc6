"""Periodic inventory work: letting lapsed reservation holds expire, tenant by tenant."""

import logging

from celery import shared_task

from nexus.core import scope
from nexus.tenancy.models import Tenant, TenantStatus

from .services import expire_reservations

logger = logging.getLogger(__name__)


@shared_task(name="inventory.expire_reservations", ignore_result=True)
def expire_reservations_task() -> int:
    """Queue one expiry run per active tenant (suspended tenants are skipped); return how many."""
    tenant_ids = list(
        Tenant.objects.filter(status=TenantStatus.ACTIVE).order_by("id").values_list("id", flat=True)
    )
    for tenant_id in tenant_ids:
        # Queued inside the tenant's scope, the task carries the tenant to the worker.
        with scope.tenant(tenant_id):
            expire_tenant_reservations_task.delay()
    return len(tenant_ids)


@shared_task(name="inventory.expire_tenant_reservations", ignore_result=True)
def expire_tenant_reservations_task() -> int:
    """Expire the lapsed holds of the tenant the task was queued in; return how many expired."""
    tenant_id = scope.require_tenant_id()
    if not Tenant.objects.filter(pk=tenant_id, status=TenantStatus.ACTIVE).exists():
        logger.info("tenant %s is not active; its reservations are left alone", tenant_id)
        return 0
    expired = expire_reservations()
    if expired:
        logger.info("expired %s reservation hold(s) of tenant %s", expired, tenant_id)
    return expired
