"""Writes to workflow records outside transitions: lock the row, check its state, save what changed.

Only the transition service writes a state (DESIGN.md §2). Every other write to a workflow record
— an edit of its fields, its lines, its deletion — locks the row first (``lock_row``), checks
under that lock that its state allows the change (documents: drafts only) and, for documents,
that it is still the version the person opened, and saves only the fields it changes
(``save_fields``). The API and admin kernels (``nexus.core.api``, ``nexus.core.admin``) do this
for every resource; domain services that delete drafts call ``delete_draft``.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from django.utils.text import capfirst

from nexus.core.audit.changes import record_model_change, stored_values
from nexus.core.errors import AlreadyPosted, ConcurrentChange, NotFound
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.models.workflow import VersionedWorkflowModel


def lock_row(model: type[models.Model], pk: Any) -> Any:
    """The row, read with ``SELECT ... FOR UPDATE`` through the model's default manager (None: gone).

    Call it inside the write's transaction; the tenant-scoped manager finds no other tenant's row.
    """
    return model._default_manager.select_for_update().filter(pk=pk).first()


def refuse_unless_draft(document: Any) -> None:
    """Raise 409 ``already_posted`` for a document that is no longer a draft."""
    if not document.is_draft:
        raise AlreadyPosted(
            f"{document} is {document.get_status_display().lower()}; only drafts can be changed "
            "(correct it with a new document)."
        )


def refuse_stale(document: models.Model, opened_version: int | None) -> None:
    """Raise 409 ``concurrent_change`` when the document is no longer the version the person opened."""
    if opened_version is None or not isinstance(document, VersionedWorkflowModel):
        return
    if document.version != opened_version:
        raise ConcurrentChange(
            f"This {document._meta.verbose_name} changed since you opened it (someone saved it or moved "
            "it on); reload it to see the changes, then make yours again."
        )


def save_fields(instance: models.Model, names: Iterable[str]) -> None:
    """Save only the named fields, plus ``auto_now`` stamps; never a state field, never the rest.

    A document saves even when no field changed: its ``version`` records that its lines did.
    A name that is not a concrete field (a property with a setter) falls back to a full save.
    """
    names = list(dict.fromkeys(names))
    concrete = {name for field in instance._meta.concrete_fields for name in (field.name, field.attname)}
    if any(name not in concrete for name in names):
        instance.save()
        return
    if not names and not isinstance(instance, VersionedWorkflowModel):
        return
    stamps = [
        field.name
        for field in instance._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in names
    ]
    instance.save(update_fields=[*names, *stamps])


def delete_draft(
    document: models.Model,
    *,
    actor: ActorRef,
    before_delete: Callable[[Any], None] | None = None,
) -> None:
    """Delete a draft document under its lock, audited; ``before_delete(locked)`` runs first.

    Raises ``NotFound`` when it is gone and ``AlreadyPosted`` (409) when it is no longer a draft.
    """
    model = type(document)
    with transaction.atomic():
        locked = lock_row(model, document.pk)
        if locked is None:
            raise NotFound(f"{capfirst(model._meta.verbose_name)} {document.pk} does not exist.")
        refuse_unless_draft(locked)
        if before_delete is not None:
            before_delete(locked)
        ref, before = ObjectRef.for_instance(locked), stored_values(locked)
        locked.delete()
        record_model_change(locked, "deleted", actor=actor, before=before, after=None, obj=ref)
