"""Writing many rows' changed fields in one statement whose size does not grow with the rows.

Django's ``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression per field and row; at
thousands of rows compiling it costs far more than running it. On PostgreSQL ``update_fields``
sends one array per column and joins the table to ``unnest`` of them, so the statement has a
fixed shape and the work is the server's. Other databases (the embedded SQLite) keep
``bulk_update``.
"""

from collections.abc import Sequence
from typing import Any, cast

from django.db import connections, models, router


def update_fields(rows: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Save ``fields`` of ``rows`` (all of one model, already saved) and return the rows updated.

    Row-level security and the caller's transaction apply as to any UPDATE; the caller holds
    the locks that make its values current.
    """
    if not rows:
        return 0
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model._base_manager.bulk_update(rows, fields)
    meta = model._meta
    columns = cast("list[models.Field[Any, Any]]", [meta.pk, *(meta.get_field(name) for name in fields)])
    arrays = [
        [column.get_db_prep_save(getattr(row, column.attname), connection) for row in rows]
        for column in columns
    ]
    quote = connection.ops.quote_name
    names = [quote(column.get_attname_column()[1]) for column in columns]
    casts = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    # Identifiers only, from the model's metadata and quoted; every value is a parameter.
    statement = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM unnest({casts}) AS v({', '.join(names)}) WHERE t.{names[0]} = v.{names[0]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, arrays)
        return cursor.rowcount
