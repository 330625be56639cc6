"""What a reservation may be for: one registry of source types, each with its tenant look-up.

A reservation names its source by reference (``source_type`` + ``source_id``) because inventory
imports no document domain. So that it can never point at nothing, at another tenant's line or
at an invented type, every domain that reserves registers its source type once, from its
``AppConfig.ready()``::

    register_reservation_source("sales.salesorderline", rows_of(SalesOrderLine))

and every path that creates reservations (``reserve``, ``reserve_many``) checks its sources
here first. A resolver takes a set of ids and answers which of them exist in the current
tenant, so any number of sources of one type costs one query.
"""

import functools
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

from nexus.core.errors import InvalidInput
from nexus.core.models import TenantScopedModel
from nexus.core.models.base import TenantScopedManager

if TYPE_CHECKING:
    from .reservations import SourceRef

SOURCE_TYPE_MAX_LENGTH = 100

# Given ids, the ones that exist in the current tenant.
SourceResolver = Callable[[frozenset[int]], Collection[int]]

_resolvers: dict[str, SourceResolver] = {}


def register_reservation_source(source_type: str, resolver: SourceResolver) -> None:
    """Let reservations name ``source_type`` sources; ``resolver`` answers which ids exist.

    Call it from the registering domain's ``AppConfig.ready()``. Registering a type twice with
    another resolver is a configuration error.
    """
    if not source_type or len(source_type) > SOURCE_TYPE_MAX_LENGTH:
        raise ImproperlyConfigured(f"A reservation source type has 1 to {SOURCE_TYPE_MAX_LENGTH} characters.")
    known = _resolvers.get(source_type)
    if known is not None and known != resolver:
        raise ImproperlyConfigured(f"Reservation source type {source_type!r} is already registered.")
    _resolvers[source_type] = resolver


@functools.cache
def rows_of(model: type[Model]) -> SourceResolver:
    """The resolver of a tenant-scoped model's rows by id, through its tenant-scoped manager.

    One resolver per model, so a domain that registers again (tests reloading apps) registers
    the same one.
    """
    if not issubclass(model, TenantScopedModel) or not isinstance(
        model._default_manager, TenantScopedManager
    ):
        raise ImproperlyConfigured(
            f"{model.__name__} is not tenant-scoped; it cannot be a reservation source."
        )

    def existing(ids: frozenset[int]) -> Collection[int]:
        return set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))

    return existing


def registered_source_types() -> list[str]:
    """The source types reservations accept, sorted."""
    return sorted(_resolvers)


def check_sources(sources: Iterable["SourceRef"]) -> None:
    """Refuse (``InvalidInput``) unless every source's type is registered and its id exists in
    the current tenant; one query per source type.

    The field error is on ``source_type`` for an unknown type, on ``source_id`` for an id that
    does not exist (or belongs to another tenant, which is the same to the caller).
    """
    wanted: dict[str, set[int]] = {}
    for source in sources:
        wanted.setdefault(source.type, set()).add(source.id)
    unknown = sorted(set(wanted) - _resolvers.keys())
    if unknown:
        known = ", ".join(registered_source_types()) or "none"
        message = f"Unknown source type {unknown[0]!r}; reservations are for: {known}."
        raise InvalidInput(message, fields={"source_type": [message]})
    for source_type, ids in sorted(wanted.items()):
        missing = sorted(ids - set(_resolvers[source_type](frozenset(ids))))
        if missing:
            listed = ", ".join(str(pk) for pk in missing)
            message = f"No {source_type} with id {listed} in this tenant."
            raise InvalidInput(message, fields={"source_id": [message]})
