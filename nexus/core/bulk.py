"""Writing many rows without building a model instance, or an SQL clause, per row.

Django's ``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression per field and row, and
``bulk_create`` a model instance and a ``VALUES`` group per row; at thousands of rows that costs
far more than running the statement. On PostgreSQL these helpers send one array per column and
read the rows back with ``unnest``: one statement of a fixed shape, whatever the number of rows.
The arrays go as text literals formatted here, column by column, because psycopg adapts a list
element by element in Python (ten times slower for text and times). Elsewhere (the embedded
SQLite) ``update_rows`` runs one parameterised UPDATE per row through ``executemany`` and
``insert_rows`` Django's ``bulk_create``, which are cheap in-process.

Row-level security, tenant foreign keys and the caller's transaction apply as to any INSERT or
UPDATE: callers give ``tenant_id`` like any other column.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    Field = models.Field[Any, Any]
else:
    Field = models.Field

_NUMBERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "DecimalField",
}
_TEXTS = {"CharField", "TextField", "SlugField", "EmailField", "URLField", "UUIDField"}
_TIMES = {"DateTimeField", "DateField"}


def _quoted(text: str) -> str:
    """An element of an array literal, quoted: only ``"`` and ``\\`` are escaped inside quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _element_format(field: Field) -> Callable[[Any], str]:
    """How one (non-null) value of ``field`` is written inside a PostgreSQL array literal."""
    kind = (field.target_field if field.is_relation else field).get_internal_type()  # type: ignore[attr-defined]
    if kind in _NUMBERS:
        return str
    if kind in _TEXTS:
        return lambda value: _quoted(str(value))
    if kind in _TIMES:
        return lambda value: _quoted(value.isoformat())
    if kind == "BooleanField":
        return lambda value: "t" if value else "f"
    if kind == "JSONField":
        encoder = cast("models.JSONField[Any]", field).encoder
        return lambda value: _quoted(json.dumps(value, cls=encoder))
    raise TypeError(f"{field.model.__name__}.{field.name}: a {kind} is not written by the bulk helpers")


def array_literal(field: Field, values: Sequence[Any]) -> str:
    """``values`` of ``field`` as one PostgreSQL array literal (``{1,2,NULL}``), for a cast parameter."""
    write = _element_format(field)
    if None in values:
        return "{" + ",".join("NULL" if value is None else write(value) for value in values) + "}"
    return "{" + ",".join(map(write, values)) + "}"


def array_type(field: Field, connection: BaseDatabaseWrapper) -> str:
    """The column's type without modifiers (``varchar``, not ``varchar(32)``), as an array."""
    return f"{str(field.db_type(connection)).split('(')[0]}[]"


def _fields(model: type[models.Model], names: Sequence[str]) -> list[Field]:
    meta = model._meta
    return [cast("Field", meta.pk if name == "pk" else meta.get_field(name)) for name in names]


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Set ``fields`` of existing rows of ``model``; each row is ``(pk, *values)``. Returns the count.

    The caller holds the locks that make its values current.
    """
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    columns = _fields(model, ["pk", *fields])
    quote = connection.ops.quote_name
    names = [quote(column.column) for column in columns]
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            casts = ", ".join(f"%s::{array_type(column, connection)}" for column in columns)
            assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
            # Identifiers only, from the model's metadata and quoted; every value is a parameter.
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
                f"FROM unnest({casts}) AS v({', '.join(names)}) WHERE t.{names[0]} = v.{names[0]}",
                [
                    array_literal(column, values)
                    for column, values in zip(columns, zip(*rows, strict=True), strict=True)
                ],
            )
            return cursor.rowcount
        assignments = ", ".join(f"{name} = %s" for name in names[1:])
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE {names[0]} = %s",  # noqa: S608
            [
                [
                    column.get_db_prep_save(value, connection)
                    for column, value in zip(columns[1:], row[1:], strict=True)
                ]
                + [row[0]]
                for row in rows
            ],
        )
        return len(rows)


def update_fields(rows: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Save ``fields`` of ``rows`` (all of one model, already saved) and return the rows updated."""
    if not rows:
        return 0
    attnames = [field.attname for field in _fields(type(rows[0]), fields)]
    return update_rows(
        type(rows[0]), fields, [(row.pk, *(getattr(row, name) for name in attnames)) for row in rows]
    )


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
) -> list[int]:
    """Insert ``rows`` (values of ``fields``, in order) into ``model``'s table; return their new ids.

    ``constants`` are columns with one value for every row (the tenant, the document), sent
    once. Values are what the columns store (ids for foreign keys, ``fields`` by attribute
    name, e.g. ``product_id``): no defaults are filled in and no signals are sent. The ids come
    back in the order of ``rows``.
    """
    if not rows:
        return []
    constants = dict(constants or {})
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        created = model._default_manager.bulk_create(
            [model(**constants, **dict(zip(fields, row, strict=True))) for row in rows]
        )
        return [instance.pk for instance in created]
    fixed = _fields(model, list(constants))
    columns = _fields(model, fields)
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    names = ", ".join(quote(column.column) for column in [*fixed, *columns])
    selected = [f"%s::{str(column.db_type(connection)).split('(')[0]}" for column in fixed]
    arrays = ", ".join(f"%s::{array_type(column, connection)}" for column in columns)
    # Identifiers only, from the model's metadata and quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
        f"SELECT {', '.join([*selected, 'v.*'])} FROM unnest({arrays}) AS v "
        f"RETURNING {quote(pk.column)}"
    )
    params = [
        *(
            column.get_db_prep_save(value, connection)
            for column, value in zip(fixed, constants.values(), strict=True)
        ),
        *(
            array_literal(column, values)
            for column, values in zip(columns, zip(*rows, strict=True), strict=True)
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
