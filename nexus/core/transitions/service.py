"""The transition service: the one way a record changes state (docs/kernel.md, "The transition service").

``perform_transition`` opens a transaction, locks the row, answers a repeated idempotency key
with the earlier result (to an actor who has the permission of that transition), re-checks
state, permission and conditions under the lock, runs the django-fsm method
and then the transition's declared writes (``writes.declare_writes``), saves
the changed fields and records the change three times: a ``TransitionLog`` row, an audit event
and, when the transition declares one, its public event in the outbox. Anything raised inside
rolls all of it back.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, transaction
from django.utils.text import capfirst

from nexus.core.audit import record_event
from nexus.core.audit.recording import scope_admitting
from nexus.core.errors import IdempotencyMismatch, InvalidInput, NotFound
from nexus.core.models import TransitionLog
from nexus.core.models.refs import ObjectRef
from nexus.core.models.workflow import allow_state_write

from .actors import Actor, resolve_actor
from .availability import ensure_allowed, permission_refusal
from .declarations import TransitionSpec, transition_spec
from .events import publish_transition_event
from .history import audit_action, audit_data
from .idempotency import MAX_KEY_LENGTH, earlier_transition, request_hash
from .writes import TransitionChange, Writes, declared_lock_first, declared_writes

# The instance to transition, or its model and primary key.
Target = models.Model | tuple[type[models.Model], Any]
EventPayload = Callable[[Any], Mapping[str, Any]]


@dataclass(frozen=True)
class TransitionResult:
    """What a transition left behind.

    ``instance`` is the row as locked and saved (a new object: the one passed in is not
    updated, since protected state fields cannot be reloaded in place); ``log`` is the
    transition's log row, the earlier one when ``replayed``; ``output`` is what the writes
    returned (None on a replay, which runs nothing).
    """

    instance: Any
    log: TransitionLog
    replayed: bool = False
    output: Any = None


def perform_transition(
    target: Target,
    name: str,
    *,
    actor: Actor,
    reason: str = "",
    idempotency_key: str = "",
    payload: Mapping[str, Any] | None = None,
    writes: Writes | None = None,
    event_payload: EventPayload | None = None,
) -> TransitionResult:
    """Perform transition ``name`` on ``target`` as ``actor``, atomically, and record it.

    - ``actor``: the user (permission is checked with ``has_perm`` through the tenant-aware
      backend) or an ``ActorRef``; a system reference passes a permission only where the
      transition declares ``allow_system``.
    - ``reason``: required when the transition declares ``requires_reason``.
    - ``idempotency_key``: the same key with the same transition, reason and ``payload`` returns
      the earlier result without running anything; with anything different it raises
      ``IdempotencyMismatch`` (409).
    - ``writes(change)``: writes of this call alone, for a flow whose writes need input only it
      has (an MFA code, the client's address). A transition's own writes are declared with
      ``declare_writes`` and always run; a transition that declares some takes no others.
      Either runs after the fsm method under the same lock and transaction (lock further rows
      in the order of DESIGN.md §1) and gets a ``TransitionChange``.
    - ``event_payload(locked)``: the payload of the transition's declared event; defaults to the
      model's ``transition_event_payload(name)``.

    Raises ``UnknownTransition`` (404), ``NotFound`` (the row is not in the current tenant),
    ``InvalidInput`` (missing reason, overlong key), ``NotAuthenticated`` (an anonymous user),
    ``PermissionDenied`` (403), ``TransitionNotAllowed`` (409, with the message of the state or
    condition that refused), ``IdempotencyMismatch`` (409).
    """
    model, pk = _model_and_pk(target)
    spec = transition_spec(model, name)
    who = resolve_actor(actor)
    reason = reason.strip()
    key = idempotency_key.strip()
    _validate_input(spec, reason, key)
    digest = request_hash(name, reason, payload)
    writes = _writes_of(spec, writes)
    lock_first = declared_lock_first(model, name)

    with transaction.atomic():
        if lock_first is not None:
            lock_first(pk)
        locked = lock_for_transition(model, pk)
        obj = ObjectRef.for_instance(locked)
        tenant_id = _tenant_of(locked)
        if key:
            with scope_admitting(tenant_id):
                earlier = earlier_transition(
                    tenant_id=tenant_id, object_type=obj.type, object_id=obj.id, key=key
                )
            if earlier is not None:
                # Only someone who may take the transition learns its earlier result: the
                # permission of the edge it took then (not the state now, or every replay is a 409).
                edge = spec.edge_from(earlier.from_state)
                denied = permission_refusal(locked, spec, edge, who) if edge is not None else None
                if denied is not None:
                    raise denied
                if earlier.payload_hash != digest:
                    raise IdempotencyMismatch()
                return TransitionResult(instance=locked, log=earlier, replayed=True)

        ensure_allowed(locked, spec, who)
        from_state = str(spec.state_of(locked))
        before = _snapshot(locked)
        getattr(locked, name)()
        to_state = str(spec.state_of(locked))
        output = None
        if writes is not None:
            change = TransitionChange(
                instance=locked,
                name=name,
                actor=actor,
                actor_ref=who.ref,
                reason=reason,
                payload=dict(payload or {}),
                from_state=from_state,
                to_state=to_state,
            )
            output = writes(change)
        _save_changes(locked, before)

        log = TransitionLog(
            tenant_id=tenant_id,
            actor_kind=who.ref.kind,
            actor_id=who.ref.id,
            actor_label=who.ref.label[:255],
            object_type=obj.type,
            object_id=obj.id,
            transition=name,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            idempotency_key=key,
            payload_hash=digest,
        )
        # The log goes with the row: a global row's log has no tenant, a membership's has the
        # membership's tenant, whichever tenant (if any) the actor has selected.
        with scope_admitting(tenant_id):
            log.save(force_insert=True)
        record_event(
            audit_action(obj.type, name), actor=who.ref, obj=obj, data=audit_data(log), tenant_id=tenant_id
        )
        if spec.event:
            publish_transition_event(spec, locked, tenant_id=tenant_id, build=event_payload)
    return TransitionResult(instance=locked, log=log, output=output)


def lock_for_transition(model: type[models.Model], pk: Any) -> Any:
    """Reload the row with ``SELECT ... FOR UPDATE`` through the model's (tenant-scoped) manager.

    A row of another tenant is not found, exactly like a missing one.
    """
    try:
        return model._default_manager.select_for_update().get(pk=pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise NotFound(f"{capfirst(model._meta.verbose_name)} {pk} does not exist.") from None


def _writes_of(spec: TransitionSpec, extra: Writes | None) -> Writes | None:
    """The transition's declared writes, or else the caller's; never both (which would run first?)."""
    declared = declared_writes(spec.model, spec.name)
    if declared is not None and extra is not None:
        raise ImproperlyConfigured(
            f"{spec.model._meta.label}.{spec.name} declares its writes; a caller passes none of its own."
        )
    return declared if declared is not None else extra


def _model_and_pk(target: Target) -> tuple[type[models.Model], Any]:
    if isinstance(target, models.Model):
        if target.pk is None:
            raise ValueError("an unsaved instance cannot be transitioned; create it first")
        return type(target), target.pk
    model, pk = target
    return model, pk


def _validate_input(spec: TransitionSpec, reason: str, key: str) -> None:
    if spec.requires_reason and not reason:
        raise InvalidInput(
            f"A reason is required to {spec.verb}.",
            fields={"reason": [f"A reason is required to {spec.verb}."]},
        )
    if len(key) > MAX_KEY_LENGTH:
        message = f"An idempotency key has at most {MAX_KEY_LENGTH} characters."
        raise InvalidInput(message, fields={"idempotency_key": [message]})


def _tenant_of(instance: models.Model) -> int | None:
    """The tenant the log row and audit event belong to: the row's own, or none for global rows."""
    try:
        instance._meta.get_field("tenant")
    except FieldDoesNotExist:
        return None
    return getattr(instance, "tenant_id", None)


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {
        field.attname: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if not field.primary_key and not field.generated
    }


def _save_changes(instance: models.Model, before: Mapping[str, Any]) -> None:
    """Save only the fields the transition changed (plus ``auto_now`` stamps); refresh generated ones."""
    changed = [attname for attname, value in before.items() if getattr(instance, attname) != value]
    if not changed:
        return
    fields = instance._meta.concrete_fields
    stamps = [f.attname for f in fields if getattr(f, "auto_now", False) and f.attname not in changed]
    with allow_state_write(instance):
        instance.save(update_fields=[*changed, *stamps])
    generated = [f.attname for f in fields if f.generated]
    if generated:
        # Computed by the database from what was just saved (a user's is_active from status).
        instance.refresh_from_db(fields=generated)
