"""Base classes for the three kinds of model (docs/kernel.md, "Tenancy").

- Global models are plain Django models (users, tenants, memberships ...).
- ``TenantScopedModel``: every row belongs to one tenant; row-level security on PostgreSQL.
- ``TenantOptionalModel``: a row may belong to a tenant or to none (audit events, logs, outbox).

Their default manager filters **lazily**: the tenant filter is added when the queryset is
evaluated, not when it is built, so class-level querysets (DRF fields, filters) still import,
and evaluating one with no tenant selected raises ``TenantRequired`` instead of returning every
tenant's rows. In the system context the filter is not applied.
"""

from typing import Any, ClassVar, Self

from django.db import models
from django.db.models.sql import Query

from nexus.core.scope import current_scope, require_tenant_id


class TenantScopedQuerySet(models.QuerySet):
    """A queryset that adds ``tenant_id = <current tenant>`` the first time its SQL is needed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tenant_filter_pending = True

    @property
    def query(self) -> Query:
        if self._tenant_filter_pending:
            self._tenant_filter_pending = False
            scope = current_scope()
            if not scope.system:
                self._query.add_q(models.Q(tenant_id=require_tenant_id()))
        return self._query

    @query.setter
    def query(self, value: Query) -> None:
        if value.values_select:
            self._iterable_class = models.query.ValuesIterable
        self._query = value

    def _clone(self) -> Self:
        # Cloning must not apply the filter: a chained queryset is still unevaluated.
        pending, self._tenant_filter_pending = self._tenant_filter_pending, False
        try:
            clone = super()._clone()  # type: ignore[misc]
        finally:
            self._tenant_filter_pending = pending
        clone._tenant_filter_pending = pending
        return clone


class TenantScopedManager(models.Manager.from_queryset(TenantScopedQuerySet)):  # type: ignore[misc]
    use_in_migrations = False


class TenantScopedModel(models.Model):
    """A row that belongs to exactly one tenant, filled from the current scope when created."""

    tenant = models.ForeignKey(
        "tenancy.Tenant",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects: ClassVar[TenantScopedManager] = TenantScopedManager()

    class Meta:
        abstract = True
        constraints = [
            # Lets tenant-including foreign keys (tenant_id, x_id) reference this table.
            models.UniqueConstraint(fields=["tenant", "id"], name="%(app_label)s_%(class)s_tenant_id_uniq"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.tenant_id is None:
            self.tenant_id = require_tenant_id()
        super().save(*args, **kwargs)


class TenantOptionalModel(models.Model):
    """A row that belongs to a tenant or, for platform-wide records, to none."""

    tenant = models.ForeignKey(
        "tenancy.Tenant",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    objects: ClassVar[TenantScopedManager] = TenantScopedManager()

    class Meta:
        abstract = True
