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


class _ArrayMembership(lookups.In):
    """``__in`` but, on PostgreSQL, ``= ANY`` of one array; plain ids are not prepared one by one."""

    def get_prep_lookup(self) -> Any:
        rhs = self.rhs
        if isinstance(rhs, list | tuple | set | frozenset) and all(type(value) is int for value in rhs):
            return list(rhs)
        return super().get_prep_lookup()

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        if hasattr(self.rhs, "as_sql"):  # a subquery: as ``__in``
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [value for value in self.rhs if value is not None]
        return f"{lhs} = ANY(%s::{array_type(field, connection)})", (
            *lhs_params,
            array_literal(field, values),
        )


class AnyOf(_ArrayMembership):
    lookup_name = "any"


class RelatedAnyOf(_ArrayMembership, RelatedIn):
    """``__any`` on a foreign key: model instances or ids, as ``__in`` takes them."""

    lookup_name = "any"


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(RelatedAnyOf)
