"""Row-level security for tenant tables, as a migration operation (PostgreSQL only).

``EnableTenantRLS("product")`` in a migration turns on ``ENABLE`` + ``FORCE ROW LEVEL SECURITY``
and adds the tenant policy; ``optional=True`` also admits rows with no tenant on write (and they
are read only in the system context). Other databases skip it. A test checks every tenant table.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POLICY_NAME = "nexus_tenant_isolation"
TENANT_MATCH = (
    "(tenant_id = nullif(current_setting('app.tenant_id', true), '')::bigint "
    "OR current_setting('app.system', true) = 'on')"
)


def policy_sql(table: str, optional: bool) -> list[str]:
    check = f"({TENANT_MATCH} OR tenant_id IS NULL)" if optional else TENANT_MATCH
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING {TENANT_MATCH} WITH CHECK {check}',
    ]


class EnableTenantRLS(migrations.operations.base.Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, optional: bool = False) -> None:
        self.model_name = model_name
        self.optional = optional

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _table(self, app_label: str, apps: StateApps) -> str:
        return apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in policy_sql(self._table(app_label, to_state.apps), self.optional):
            schema_editor.execute(statement)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, from_state.apps)
        schema_editor.execute(f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"')
        schema_editor.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        schema_editor.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')

    def describe(self) -> str:
        kind = "tenant-optional" if self.optional else "tenant-scoped"
        return f"Enable row-level security on {self.model_name} ({kind})"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.optional:
            kwargs["optional"] = True
        return (self.__class__.__qualname__, [], kwargs)
