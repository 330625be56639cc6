"""Listeners subscribed by event name.

A listener is ``fn(payload: dict, event: EventEnvelope) -> None``. Its name is a stable string
(by default ``module.qualname``) because it keys the delivery rows: renaming a listener makes it
a new one, which receives only events published after the rename. Registration happens at
import time; the kernel's ``ready()`` imports every installed app's ``listeners`` module.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from .catalogue import spec_for

ListenerFn = Callable[..., None]
F = TypeVar("F", bound=ListenerFn)

# Matches ``OutboxDelivery.listener``.
MAX_LISTENER_NAME = 200


class ListenerConflict(ValueError):
    """Two different functions claim the same listener name for one event."""


@dataclass(frozen=True)
class Listener:
    event_name: str
    name: str
    fn: ListenerFn


_listeners: dict[str, dict[str, Listener]] = {}


def default_listener_name(fn: Any) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def register_listener(event_name: str, fn: ListenerFn, *, name: str | None = None) -> None:
    """Subscribe ``fn`` to ``event_name`` under a stable ``name``.

    Raises ``UnknownEvent`` for an event missing from the catalogue, and ``ListenerConflict``
    when another function already holds the name. Registering the same function again is a no-op.
    """
    spec_for(event_name)
    listener_name = name or default_listener_name(fn)
    if len(listener_name) > MAX_LISTENER_NAME:
        raise ValueError(f"listener name longer than {MAX_LISTENER_NAME} characters: {listener_name!r}")
    existing = _listeners.get(event_name, {}).get(listener_name)
    if existing is not None and existing.fn is not fn:
        raise ListenerConflict(
            f"listener {listener_name!r} for {event_name} is taken by {existing.fn!r}; name one differently"
        )
    _listeners.setdefault(event_name, {})[listener_name] = Listener(event_name, listener_name, fn)


def listener(event_name: str, *, name: str | None = None) -> Callable[[F], F]:
    """Decorate ``fn(payload, event)`` to receive ``event_name`` after the publisher commits."""

    def decorate(fn: F) -> F:
        register_listener(event_name, fn, name=name)
        return fn

    return decorate


def listeners_for(event_name: str) -> list[Listener]:
    """The listeners of ``event_name`` in a stable order (by name)."""
    return sorted(_listeners.get(event_name, {}).values(), key=lambda item: item.name)


def find_listener(event_name: str, name: str) -> Listener | None:
    return _listeners.get(event_name, {}).get(name)


def has_listeners(event_name: str) -> bool:
    return bool(_listeners.get(event_name))


@contextmanager
def isolated_registry() -> Iterator[None]:
    """Run the block with no listeners registered, then restore them (for tests and tools)."""
    saved = {event: dict(by_name) for event, by_name in _listeners.items()}
    _listeners.clear()
    try:
        yield
    finally:
        _listeners.clear()
        _listeners.update(saved)
