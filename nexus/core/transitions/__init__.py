"""The transition service over django-fsm (docs/kernel.md, "The transition service").

Models declare transitions with django-fsm (``@transition(..., conditions=[...],
permission=..., custom=transition_options(...))``); everything that changes a state calls
``perform_transition``, which also runs the writes the transition declares (``declare_writes``,
from the owning app's ``ready()``). The admin and API mixins (``nexus.core.admin.transitions``,
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
from .history import PastTransition, record_past_transitions
from .service import TransitionResult, lock_for_transition, perform_transition
from .writes import TransitionChange, declare_lock_first, declare_writes, declared_writes

__all__ = [
    "Actor",
    "Condition",
    "PastTransition",
    "TransitionChange",
    "TransitionChoice",
    "TransitionResult",
    "TransitionSpec",
    "UnknownTransition",
    "actor_ref",
    "available_transitions",
    "condition",
    "declare_lock_first",
    "declare_writes",
    "declared_transitions",
    "declared_writes",
    "follow_up_actor",
    "lock_for_transition",
    "perform_transition",
    "record_past_transitions",
    "resolve_actor",
    "state_fields",
    "transition_choices",
    "transition_options",
    "transition_spec",
]
