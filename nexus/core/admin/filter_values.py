"""The distinct values of a column for a list filter, read by skipping through an index.

``SELECT DISTINCT action FROM core_auditevent`` reads every row: at millions of audit events it
costs a second before the list's first page renders. PostgreSQL has no skip scan, so this asks
the index for the next value after the last one found, once per distinct value (a recursive
query): a few dozen index probes, whatever the rows. The column needs a b-tree index that starts
with it, or with the tenant and then it, for a tenant's own values. Row-level security still
applies; the tenant condition is there for the index. Other databases read it plainly.
"""

from typing import Any, cast

from django.db import connections
from django.db.models import Field, Model


def distinct_values(
    model: type[Model], column: str, *, tenant_id: int | None, using: str = "default"
) -> list[str]:
    """The column's distinct non-null values, in order: of one tenant, or of every row it can see."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        rows = model._base_manager.using(using).exclude(**{f"{column}__isnull": True})
        if tenant_id is not None:
            rows = rows.filter(tenant_id=tenant_id)
        return list(rows.order_by(column).values_list(column, flat=True).distinct())
    quote = connection.ops.quote_name
    # Identifiers from the model, quoted; the one value is a parameter.
    field = cast("Field[Any, Any]", model._meta.get_field(column))
    table, name = quote(model._meta.db_table), quote(field.column)
    tenant = "tenant_id = %(tenant)s AND " if tenant_id is not None else ""
    query = f"""
        WITH RECURSIVE found(value) AS (
            (SELECT {name} FROM {table} WHERE {tenant}{name} IS NOT NULL ORDER BY {name} LIMIT 1)
            UNION ALL
            SELECT (SELECT {name} FROM {table} WHERE {tenant}{name} > found.value ORDER BY {name} LIMIT 1)
            FROM found WHERE found.value IS NOT NULL
        )
        SELECT value FROM found WHERE value IS NOT NULL
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, {"tenant": tenant_id})
        return [value for (value,) in cursor.fetchall()]
