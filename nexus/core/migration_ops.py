"""Tenant-including foreign keys, as a migration operation (PostgreSQL only).

``TenantForeignKey("gadget", "kind")`` adds ``FOREIGN KEY (tenant_id, kind_id) REFERENCES
<gadget kind table> (tenant_id, id)`` beside Django's own foreign key, so the database itself
refuses a row that points at another tenant's row. The target has the composite unique
``(tenant_id, id)`` of every ``TenantScopedModel``. Every migration that adds a foreign key
between two tenant-scoped models appends one (a test checks ``pg_constraint``). Like Django's
foreign keys it is ``DEFERRABLE INITIALLY DEFERRED``: checked at commit. A NULL reference is
not checked (``MATCH SIMPLE``), which leaves ``SET_NULL`` working. Other databases skip it;
there the kernel validator (``nexus.core.validators``) stands alone.
"""

import hashlib
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MAX_NAME = 63  # PostgreSQL identifiers


def constraint_name(table: str, column: str) -> str:
    name = f"{table}_{column}_tenant_fk"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.md5(f"{table}.{column}".encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{table[: MAX_NAME - len(column) - 20]}_{column}_{digest}_tfk"[:MAX_NAME]


class TenantForeignKey(migrations.operations.base.Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, field_name: str) -> None:
        self.model_name = model_name
        self.field_name = field_name

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _describe_sql(self, app_label: str, apps: Any) -> tuple[str, str, str, str, str, str]:
        model = apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.field_name)
        target = field.related_model
        return (
            model._meta.db_table,
            model._meta.get_field("tenant").column,
            field.column,
            target._meta.db_table,
            target._meta.get_field("tenant").column,
            field.target_field.column,
        )

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table, tenant, column, target_table, target_tenant, target_column = self._describe_sql(
            app_label, to_state.apps
        )
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint_name(table, column))} "
            f"FOREIGN KEY ({quote(tenant)}, {quote(column)}) "
            f"REFERENCES {quote(target_table)} ({quote(target_tenant)}, {quote(target_column)}) "
            "DEFERRABLE INITIALLY DEFERRED"
        )

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table, _tenant, column, *_ = self._describe_sql(app_label, from_state.apps)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} DROP CONSTRAINT IF EXISTS {quote(constraint_name(table, column))}"
        )

    def describe(self) -> str:
        return f"Make {self.model_name}.{self.field_name} a tenant-including foreign key"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name}_{self.field_name}_tenant_fk"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "field_name": self.field_name},
        )
