"""Base classes for the three kinds of model (docs/kernel.md, "Tenancy").

- Global models are plain Django models (users, tenants, memberships ...).
- ``TenantScopedModel``: every row belongs to one tenant; row-level security on PostgreSQL.
- ``TenantOptionalModel``: a row may belong to a tenant or to none (audit events, logs, outbox).

Their default manager filters **lazily**: the tenant is read when the query is compiled, not
when it is built, so class-level querysets (DRF fields, filters) still import, and running one
with no tenant selected raises ``TenantRequired`` instead of returning every tenant's rows.
In the system context the filter is not applied.
"""

from collections.abc import Collection, Sequence
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression
from django.db.models.sql.compiler import SQLCompiler

from nexus.core.scope import current_scope, require_tenant_id
from nexus.core.validators import foreign_tenant_references


class CurrentTenantCondition(Expression):
    """``tenant_id = <current tenant>``, with the tenant read when the SQL is compiled.

    Added to every queryset of a tenant model when it is built; because the value is taken at
    compile time, a queryset built at import time is still filtered by the tenant of the
    request that runs it, and every path to SQL (select, count, update, delete, subquery)
    carries it. With no tenant selected compiling raises ``TenantRequired``; in the system
    context the condition is always true.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, column: Any = None) -> None:
        super().__init__(output_field=models.BooleanField())
        self.column: Any = column if column is not None else models.F("tenant_id")

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        if current_scope().system:
            return "1 = 1", []
        tenant_id = require_tenant_id()
        column_sql, params = compiler.compile(self.column)
        return f"{column_sql} = %s", [*params, tenant_id]


class TenantScopedQuerySet(models.QuerySet):
    pass


class TenantScopedManager(models.Manager.from_queryset(TenantScopedQuerySet)):  # type: ignore[misc]
    """Default manager of tenant models: every queryset carries the current-tenant condition."""

    def get_queryset(self) -> TenantScopedQuerySet:
        return super().get_queryset().filter(CurrentTenantCondition())


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

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Validate the fields, then refuse references to another tenant's rows (in words)."""
        errors: dict[str, Any] = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, messages in foreign_tenant_references(self, {*(exclude or ()), *errors}).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)


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
