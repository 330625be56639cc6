"""Auditing ordinary edits of business data: which fields changed, from what, to what.

The admin and API mixins (``nexus.core.admin.audited``, ``nexus.core.api.audited``) call these
around a save or delete, inside its transaction, so the event commits or rolls back with it.
"""

from collections.abc import Collection, Mapping
from typing import Any, Literal

from django.db import models

from nexus.core.json_values import to_json_value
from nexus.core.models import AuditEvent, TenantOptionalModel, TenantScopedModel
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.models.workflow import VERSION_FIELD, VersionedWorkflowModel

from .recording import record_event

Operation = Literal["created", "changed", "deleted"]
_EMPTY: tuple[Any, ...] = (None, "", [], {})


def _recorded_fields(model: type[models.Model], exclude: Collection[str]) -> list[Any]:
    """Concrete and many-to-many fields worth recording.

    Not the key, not ``auto_now`` stamps, not a document's ``version`` (bookkeeping that every
    write moves), and not a tenant model's ``tenant``: it never changes and the event's chain
    already names it.
    """
    if issubclass(model, TenantScopedModel | TenantOptionalModel):
        exclude = {*exclude, "tenant"}
    if issubclass(model, VersionedWorkflowModel):
        exclude = {*exclude, VERSION_FIELD}
    fields = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations
        if not (field.concrete or field.many_to_many) or field.name in exclude:
            continue
        if getattr(field, "primary_key", False) or getattr(field, "auto_now", False):
            continue
        fields.append(field)
    return fields


def _json(field: Any, instance: models.Model) -> Any:
    try:
        return to_json_value(field.value_from_object(instance))
    except TypeError:
        return field.value_to_string(instance)  # files and other exotic values: their text form


def field_values(instance: models.Model, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """The instance's recordable values as plain JSON (foreign keys by id, many-to-many as id lists).

    Many-to-many values are read from the database, so call this after they were saved.
    """
    values: dict[str, Any] = {}
    for field in _recorded_fields(type(instance), exclude):
        if field.many_to_many:
            related = getattr(instance, field.name).values_list("pk", flat=True) if instance.pk else []
            values[field.name] = sorted(to_json_value(pk) for pk in related)
        else:
            values[field.name] = _json(field, instance)
    return values


def stored_values(instance: models.Model, *, exclude: Collection[str] = ()) -> dict[str, Any] | None:
    """The values stored for ``instance`` now, its row locked until the transaction ends.

    Read before a save, the lock makes "before" the values this save actually overwrites, even
    when someone else saved in between; read after it, "after" is what the database kept
    (decimals at their field's scale, defaults filled in). None when the row does not exist.
    """
    if instance.pk is None:
        return None
    stored = type(instance)._base_manager.select_for_update().filter(pk=instance.pk).first()
    return field_values(stored, exclude=exclude) if stored is not None else None


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value differs (absent side: None).

    For a creation (no ``before``) or a deletion (no ``after``) empty values are left out.
    """
    old, new = before or {}, after or {}
    changes: dict[str, list[Any]] = {}
    for name in sorted(old.keys() | new.keys()):
        was, now = old.get(name), new.get(name)
        if was == now:
            continue
        if (before is None and now in _EMPTY) or (after is None and was in _EMPTY):
            continue
        changes[name] = [was, now]
    return changes


def _chain_of(instance: models.Model) -> int | None | Literal["current"]:
    if isinstance(instance, TenantScopedModel | TenantOptionalModel):
        tenant_id: int | None = instance.tenant_id
        return tenant_id
    return "current"


def record_model_change(
    instance: models.Model,
    operation: Operation,
    *,
    actor: ActorRef,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    obj: ObjectRef | None = None,
) -> AuditEvent | None:
    """Record ``<app>.<model>.<operation>`` with the changed fields; nothing when none changed.

    Tenant data goes to its tenant's chain; global models (users, tenants) to the current
    scope's. Pass ``obj`` for a deletion: the instance has lost its key by then.
    """
    changes = changed_fields(before, after)
    if not changes and operation == "changed":
        return None
    opts = instance._meta
    return record_event(
        f"{opts.app_label}.{opts.model_name}.{operation}",
        actor=actor,
        obj=obj or ObjectRef.for_instance(instance),
        data={"changes": changes},
        tenant_id=_chain_of(instance),
    )
