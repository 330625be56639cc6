"""``field__any=[...]``: membership in a long list of values as one array parameter.

``field__in`` with thousands of values writes thousands of placeholders, which the driver
parses and the server plans one by one; on PostgreSQL ``__any`` sends ``field = ANY(array)``
with the array as one text literal (``nexus.core.bulk``), whatever the number of values.
Elsewhere it is ``__in``. Registered on every field by the kernel's app config.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject, lookups
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.sql.compiler import SQLCompiler

from .bulk import array_literal, array_type


def _any(lookup: lookups.In, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
    if hasattr(lookup.rhs, "as_sql"):  # a subquery: as ``__in``
        return lookup.as_sql(compiler, connection)
    lhs, lhs_params = lookup.process_lhs(compiler, connection)
    field = lookup.lhs.output_field
    values = [value for value in lookup.rhs if value is not None]
    return f"{lhs} = ANY(%s::{array_type(field, connection)})", (*lhs_params, array_literal(field, values))


class AnyOf(lookups.In):
    lookup_name = "any"

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        return _any(self, compiler, connection)


class RelatedAnyOf(RelatedIn):
    """``__any`` on a foreign key: model instances or ids, as ``__in`` takes them."""

    lookup_name = "any"

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        return _any(self, compiler, connection)


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(RelatedAnyOf)
