"""Conditions that say why a transition is unavailable ("cannot approve: RMA has no lines").

django-fsm conditions are plain predicates; wrapping one in ``Condition`` attaches the message
the transition service puts in its ``TransitionNotAllowed`` error::

    @condition("RMA has no lines")
    def has_lines(rma: "Rma") -> bool:
        return rma.lines.exists()

    @transition(field=status, source=RmaStatus.DRAFT, target=RmaStatus.SUBMITTED, conditions=[has_lines])
    def submit(self) -> None: ...

The message describes the situation when the predicate is false; it may also be a callable
taking the instance, for messages that name a value ("gadget quantity 0 is not positive").
``code`` replaces the error's ``transition_not_allowed`` where clients must tell one rule from
the others (``@condition(message, code="last_administrator")``), whichever way it is broken.
"""

from collections.abc import Callable
from typing import Any

Predicate = Callable[[Any], bool]
Message = str | Callable[[Any], str]


class Condition:
    """A django-fsm condition (callable on the instance) that carries its failure message."""

    def __init__(self, predicate: Predicate, message: Message, code: str | None = None) -> None:
        self.predicate = predicate
        self.message = message
        self.code = code
        # django-fsm's graph command and error texts name conditions by ``__name__``.
        self.__name__ = getattr(predicate, "__name__", type(predicate).__name__)
        self.__doc__ = predicate.__doc__

    def __call__(self, instance: Any) -> bool:
        return bool(self.predicate(instance))

    def message_for(self, instance: Any) -> str:
        return self.message(instance) if callable(self.message) else self.message

    def __repr__(self) -> str:
        return f"Condition({self.__name__}, {self.message!r})"


def condition(message: Message, *, code: str | None = None) -> Callable[[Predicate], Condition]:
    """Decorate a predicate as a ``Condition`` with ``message`` (and the error ``code``, if given)."""

    def wrap(predicate: Predicate) -> Condition:
        return Condition(predicate, message, code)

    return wrap


def failure_message(check: Callable[[Any], Any], instance: Any) -> str:
    """What to tell the actor when ``check`` (a ``Condition`` or a bare predicate) fails."""
    if isinstance(check, Condition):
        return check.message_for(instance)
    name = getattr(check, "__name__", repr(check)).replace("_", " ")
    return f"the condition {name!r} is not met"
