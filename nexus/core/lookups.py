"""``field__any_of=[...]``: ``IN`` with one array parameter on PostgreSQL.

A list of ten thousand ids as ``IN (%s, %s, ...)`` is ten thousand placeholders that the driver
parses on every query; ``= ANY(%s)`` sends the same list as one array. Other databases get the
ordinary ``IN``.
"""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _ArrayParameter:
    """Shared by the plain and the related lookup: ids go as they are, one array on PostgreSQL."""

    rhs: Any

    def get_prep_lookup(self) -> Any:
        # Plain ids need no preparing (normalising ten thousand of them costs as much as the query).
        if isinstance(self.rhs, list | tuple | set | frozenset) and all(type(v) is int for v in self.rhs):
            return list(self.rhs)
        return super().get_prep_lookup()  # type: ignore[misc]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lookup: Any = self
        if not lookup.rhs_is_direct_value():
            return lookup.as_sql(compiler, connection)
        field = lookup.lhs.output_field
        values = [v for v in dict.fromkeys(self.rhs) if v is not None]
        if not all(type(v) is int for v in values):
            values = [field.get_db_prep_value(v, connection, prepared=True) for v in values]
        if not values:
            raise EmptyResultSet
        lhs_sql, lhs_params = lookup.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s::{field.db_type(connection)}[])", (*lhs_params, values)


@Field.register_lookup
class AnyOf(_ArrayParameter, In):
    lookup_name = "any_of"


@ForeignObject.register_lookup
class RelatedAnyOf(_ArrayParameter, RelatedIn):
    lookup_name = "any_of"
