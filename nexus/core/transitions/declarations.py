"""What a model declares about its transitions, read from django-fsm's ``@transition``.

A transition is a django-fsm method. Nexus reads these keys from the decorator's ``custom``
dict (build it with ``transition_options`` so that a typo fails at import):

``label``
    What buttons and actions say ("Approve"); defaults to the method name in words.
``done_label``
    The past tense for summaries ("Approved"); defaults to "<label>: done for".
``requires_reason``
    The actor must give a reason (rejections, cancellations).
``event``
    The public event the transition publishes through the outbox (a catalogue name).
``allow_system``
    A system actor (``ActorRef.system(...)``) may perform it although it declares a
    ``permission``; without this key only a person holding the permission can.
"""

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django_fsm import FSMFieldMixin, Transition

from .errors import UnknownTransition

OPTION_KEYS = frozenset({"label", "done_label", "requires_reason", "event", "allow_system"})


def transition_options(
    *,
    label: str = "",
    done_label: str = "",
    requires_reason: bool = False,
    event: str = "",
    allow_system: bool = False,
) -> dict[str, Any]:
    """Return the ``custom=`` dict of a ``@transition`` with only the keys that were given."""
    given: dict[str, Any] = {
        "label": label,
        "done_label": done_label,
        "requires_reason": requires_reason,
        "event": event,
        "allow_system": allow_system,
    }
    return {key: value for key, value in given.items() if value}


@dataclass(frozen=True)
class TransitionSpec:
    """One named transition of a model, with its Nexus options."""

    model: type[models.Model]
    name: str
    field: FSMFieldMixin
    method: Callable[..., Any]

    @property
    def edges(self) -> list[Transition]:
        """The django-fsm transitions of this method, one per source state."""
        return list(self.method._django_fsm.transitions.values())  # type: ignore[attr-defined]

    @property
    def options(self) -> dict[str, Any]:
        # The system check makes every source of one method declare the same options.
        return dict(self.edges[0].custom) if self.edges else {}

    @property
    def label(self) -> str:
        return str(self.options.get("label") or self.name.replace("_", " ").capitalize())

    @property
    def done_label(self) -> str:
        return str(self.options.get("done_label") or "")

    @property
    def verb(self) -> str:
        """The label as it reads inside a sentence ("cannot approve: ...")."""
        label = self.label
        return label[:1].lower() + label[1:]

    @property
    def requires_reason(self) -> bool:
        return bool(self.options.get("requires_reason", False))

    @property
    def event(self) -> str:
        return str(self.options.get("event") or "")

    @property
    def allow_system(self) -> bool:
        return bool(self.options.get("allow_system", False))

    @property
    def permission(self) -> Any:
        """The first declared permission (string or callable), for documentation and forms."""
        return next((edge.permission for edge in self.edges if edge.permission), None)

    def edge_from(self, state: Any) -> Transition | None:
        """The transition that leaves ``state``, or None when this one cannot start there."""
        meta = self.method._django_fsm  # type: ignore[attr-defined]
        if not meta.has_transition(state):
            return None
        return meta.get_transition(state)

    def state_of(self, instance: models.Model) -> Any:
        return self.field.value_from_object(instance)


def state_fields(model: type[models.Model]) -> list[FSMFieldMixin]:
    """The model's FSM state fields, in declaration order."""
    return [field for field in model._meta.concrete_fields if isinstance(field, FSMFieldMixin)]


def _declaration_line(method: Callable[..., Any]) -> int:
    original = inspect.unwrap(method)
    code = getattr(original, "__code__", None)
    return code.co_firstlineno if code is not None else 0


def declared_transitions(model: type[models.Model]) -> tuple[TransitionSpec, ...]:
    """Every transition the model declares, in source order (buttons follow the code)."""
    return _declared_transitions(model)


@functools.cache
def _declared_transitions(model: type[models.Model]) -> tuple[TransitionSpec, ...]:
    specs: list[TransitionSpec] = []
    for field in state_fields(model):
        methods: dict[str, Callable[..., Any]] = field.transitions.get(model, {})
        for name, method in sorted(methods.items(), key=lambda item: _declaration_line(item[1])):
            specs.append(TransitionSpec(model=model, name=name, field=field, method=method))
    return tuple(specs)


def transition_spec(model: type[models.Model], name: str) -> TransitionSpec:
    """The declared transition ``name`` of ``model``; raise ``UnknownTransition`` otherwise."""
    for spec in declared_transitions(model):
        if spec.name == name:
            return spec
    raise UnknownTransition(model, name, [spec.name for spec in declared_transitions(model)])


def state_label(field: FSMFieldMixin, value: Any) -> str:
    """The human name of a state ("Awaiting receipt"), or the raw value when undeclared."""
    return str(dict(field.flatchoices).get(value, value))
