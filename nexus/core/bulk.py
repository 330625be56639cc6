"""Writing many rows' changed fields without Django's ``bulk_update``.

``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression per field and row; at thousands
of rows compiling it costs far more than running it. On PostgreSQL ``update_fields`` sends one
array per column and joins the table to ``unnest`` of them: one statement of a fixed shape,
whatever the number of rows. Elsewhere (the embedded SQLite) it runs one parameterised UPDATE
per row through ``executemany``, which is cheap in-process.
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
    meta = model._meta
    columns = cast("list[models.Field[Any, Any]]", [meta.pk, *(meta.get_field(name) for name in fields)])
    quote = connection.ops.quote_name
    names = [quote(column.get_attname_column()[1]) for column in columns]
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [
                [column.get_db_prep_save(getattr(row, column.attname), connection) for row in rows]
                for column in columns
            ]
            casts = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
            assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
            # Identifiers only, from the model's metadata and quoted; every value is a parameter.
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
                f"FROM unnest({casts}) AS v({', '.join(names)}) WHERE t.{names[0]} = v.{names[0]}",
                arrays,
            )
            return cursor.rowcount
        assignments = ", ".join(f"{name} = %s" for name in names[1:])
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE {names[0]} = %s",  # noqa: S608
            [
                [column.get_db_prep_save(getattr(row, column.attname), connection) for column in columns[1:]]
                + [row.pk]
                for row in rows
            ],
        )
        return len(rows)
