"""Whether an actor may perform a transition now, and why not.

The order of the checks is the order of the questions a clerk would ask: can this record move
that way from where it is (source state), may I do it (permission), and is it ready (the
conditions, with their messages). The transition service asks them again under the row lock.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import capfirst

from nexus.core.errors import NexusError, NotAuthenticated, PermissionDenied, TransitionNotAllowed
from nexus.core.models.refs import ActorKind

from .actors import Actor, ResolvedActor, resolve_actor
from .conditions import failure_message
from .declarations import TransitionSpec, declared_transitions, state_label


def refusal(instance: models.Model, spec: TransitionSpec, actor: ResolvedActor) -> NexusError | None:
    """The error that performing ``spec`` on ``instance`` now would raise, or None when it may."""
    verbose_name = instance._meta.verbose_name
    state = spec.state_of(instance)
    edge = spec.edge_from(state)
    if edge is None:
        return TransitionNotAllowed(
            f"cannot {spec.verb}: the {verbose_name} is {state_label(spec.field, state).lower()}"
        )
    denied = permission_refusal(instance, spec, edge, actor)
    if denied is not None:
        return denied
    for check in edge.conditions:
        if not check(instance):
            return TransitionNotAllowed(
                f"cannot {spec.verb}: {failure_message(check, instance)}", code=getattr(check, "code", None)
            )
    return None


def permission_refusal(
    instance: models.Model, spec: TransitionSpec, edge: Any, actor: ResolvedActor
) -> PermissionDenied | None:
    """Why ``actor`` may not take ``edge`` of ``spec`` (whatever state the row is in now), or None."""
    verbose_name = instance._meta.verbose_name
    if not edge.permission:
        return None
    if actor.user is not None:
        if not edge.has_perm(instance, actor.user):
            return PermissionDenied(f"You are not allowed to {spec.verb} this {verbose_name}.")
    elif not (actor.ref.kind == ActorKind.SYSTEM and edge.custom.get("allow_system", False)):
        return PermissionDenied(
            f"{capfirst(spec.verb)} needs a person's permission; "
            f"it does not allow {actor.ref.kind or 'unnamed'} actors."
        )
    return None


def ensure_allowed(instance: models.Model, spec: TransitionSpec, actor: ResolvedActor) -> None:
    """Raise the refusal of ``spec`` for ``actor`` (``TransitionNotAllowed`` or ``PermissionDenied``)."""
    error = refusal(instance, spec, actor)
    if error is not None:
        raise error


@dataclass(frozen=True)
class TransitionChoice:
    """A transition as a screen offers it: available, or shown with the reason it is not."""

    name: str
    label: str
    requires_reason: bool
    refusal: str = ""

    @property
    def available(self) -> bool:
        return not self.refusal

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "requires_reason": self.requires_reason}


def transition_choices(instance: models.Model, actor: Actor) -> list[TransitionChoice]:
    """The transitions that leave the current state and the actor may perform, in source order.

    Transitions whose conditions fail are included with their message (a screen may show them
    disabled); those the actor is not permitted to perform are left out, and nobody who is not
    authenticated gets any.
    """
    try:
        who = resolve_actor(actor)
    except NotAuthenticated:
        return []
    choices = []
    for spec in declared_transitions(type(instance)):
        error = refusal(instance, spec, who)
        if isinstance(error, PermissionDenied):
            continue
        if isinstance(error, TransitionNotAllowed) and spec.edge_from(spec.state_of(instance)) is None:
            continue
        choices.append(
            TransitionChoice(
                name=spec.name,
                label=spec.label,
                requires_reason=spec.requires_reason,
                refusal=error.detail if error is not None else "",
            )
        )
    return choices


def available_transitions(instance: models.Model, actor: Actor) -> list[TransitionChoice]:
    """The transitions ``actor`` could perform on ``instance`` right now (for UIs and the API)."""
    return [choice for choice in transition_choices(instance, actor) if choice.available]
