"""The transition service over django-fsm (docs/kernel.md, "The transition service").

Models declare transitions with django-fsm (``@transition(..., conditions=[...],
permission=..., custom=transition_options(...))``); everything that changes a state calls
``perform_transition``. The admin and API mixins (``nexus.core.admin.transitions``,
``nexus.core.api.transitions``) expose the declared transitions to people.
"""

from .actors import Actor, actor_ref, follow_up_actor, resolve_actor
from .availability import TransitionChoice, available_transitions, transition_choices
from .conditions import Condition, condition
from .declarations import (
    TransitionSpec,
    declared_transitions,
    state_fields,
    transition_options,
    transition_spec,
)
from .errors import UnknownTransition
from .handlers import TransitionHandler, TransitionRequest, perform_requested
from .service import TransitionResult, lock_for_transition, perform_transition

__all__ = [
    "Actor",
    "Condition",
    "TransitionChoice",
    "TransitionHandler",
    "TransitionRequest",
    "TransitionResult",
    "TransitionSpec",
    "UnknownTransition",
    "actor_ref",
    "available_transitions",
    "condition",
    "declared_transitions",
    "follow_up_actor",
    "lock_for_transition",
    "perform_requested",
    "perform_transition",
    "resolve_actor",
    "state_fields",
    "transition_choices",
    "transition_options",
    "transition_spec",
]
