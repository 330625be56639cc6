"""The writes that belong to a transition, declared once and run by the service for every caller.

Giving stock back on ``release``, posting a receipt's moves on ``post``: such writes are part of
the transition, not of whoever asks for it. The app that owns them declares them from its
``AppConfig.ready()``, keyed by model and transition name, and ``perform_transition`` runs them
under the row's lock for the admin, the API, a service, a listener or a test alike (never on an
idempotent replay)::

    class InventoryConfig(AppConfig):
        def ready(self) -> None:
            from nexus.core.transitions import declare_writes

            from .models import Reservation
            from .services.reservations import give_back_open

            declare_writes(Reservation, ["release", "expire"], give_back_open)

A model may be named by its label (``"tenancy.membership"``), so an orchestrator declares writes
for a domain's transition without importing the domain. A transition has at most one writes
function; declaring another for it is an ``ImproperlyConfigured`` at start-up, as is a name the
model does not declare.

Some transitions must lock other rows before their own (the last-administrator check of a
membership needs the tenant's administrators locked first, in that order):
``declare_lock_first`` names the function, called with the row's primary key inside the
transaction just before the service locks the row.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from nexus.core.models.refs import ActorRef

from .actors import Actor
from .declarations import transition_spec
from .errors import UnknownTransition


@dataclass(frozen=True)
class TransitionChange:
    """What a transition's writes work from.

    ``instance`` is the locked row after the django-fsm method ran (its state already the
    target, not yet saved: the service saves what the writes change too); ``actor`` is the actor
    as the caller gave it (a user or an ``ActorRef``) and ``actor_ref`` its reference.
    """

    instance: Any
    name: str
    actor: Actor
    actor_ref: ActorRef
    reason: str
    payload: Mapping[str, Any]
    from_state: str
    to_state: str


Writes = Callable[[TransitionChange], Any]
LockFirst = Callable[[Any], Any]

_writes: dict[tuple[str, str], Writes] = {}
_locks_first: dict[tuple[str, str], LockFirst] = {}


def declare_writes(model: type[models.Model] | str, names: str | Iterable[str], writes: Writes) -> None:
    """Make ``writes(change)`` part of each named transition of ``model`` (see the module docstring).

    What ``writes`` returns is the transition's ``result.output``.
    """
    _declare(_writes, "writes", model, names, writes)


def declare_lock_first(model: type[models.Model] | str, names: str | Iterable[str], lock: LockFirst) -> None:
    """Have the service call ``lock(pk)`` before it locks the row of each named transition."""
    _declare(_locks_first, "a lock taken first", model, names, lock)


def declared_writes(model: type[models.Model], name: str) -> Writes | None:
    """The writes declared for transition ``name`` of ``model``, or None."""
    return _writes.get((model._meta.label_lower, name))


def declared_lock_first(model: type[models.Model], name: str) -> LockFirst | None:
    """The lock declared to be taken before the row of transition ``name`` of ``model``, or None."""
    return _locks_first.get((model._meta.label_lower, name))


def _declare(
    registry: dict[tuple[str, str], Callable[..., Any]],
    what: str,
    model: type[models.Model] | str,
    names: str | Iterable[str],
    function: Callable[..., Any],
) -> None:
    model_class = apps.get_model(model) if isinstance(model, str) else model
    for name in [names] if isinstance(names, str) else list(names):
        try:
            transition_spec(model_class, name)
        except UnknownTransition as error:  # a typo fails at start-up, not on first use
            raise ImproperlyConfigured(f"Cannot declare {what}: {error.detail}") from error
        key = (model_class._meta.label_lower, name)
        existing = registry.get(key)
        if existing is not None and existing is not function:
            raise ImproperlyConfigured(
                f"{model_class._meta.label}.{name} already has {what} ({_qualname(existing)}); "
                f"cannot declare {_qualname(function)} too."
            )
        registry[key] = function


def _qualname(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{getattr(function, '__qualname__', repr(function))}"
