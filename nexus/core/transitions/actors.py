"""Who performs a transition: a person (whose permissions are checked) or a plain reference."""

from dataclasses import dataclass
from typing import Any

from nexus.core.errors import NotAuthenticated
from nexus.core.models.refs import ActorRef

# A user instance (anything with ``is_authenticated`` and ``has_perm``) or an ``ActorRef``.
Actor = Any


@dataclass(frozen=True)
class ResolvedActor:
    """The actor's reference for the log and audit trail, and the user to ask about permissions."""

    ref: ActorRef
    user: Any = None


def resolve_actor(actor: Actor) -> ResolvedActor:
    """Return the reference and the user behind ``actor``; raise ``NotAuthenticated`` for nobody."""
    if isinstance(actor, ActorRef):
        return ResolvedActor(ref=actor)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    return ResolvedActor(ref=ActorRef.for_user(actor), user=actor)


def actor_ref(actor: Actor) -> ActorRef:
    """The plain reference of ``actor`` (a user or an ``ActorRef``), for ledger rows."""
    return resolve_actor(actor).ref


def follow_up_actor(actor: Actor, because: str) -> ActorRef:
    """A system actor for what a document's transition does to other records ("GR-… posted by …").

    Follow-up transitions (an order becoming received) and reservation changes are consequences
    of the transition the person was allowed to perform, not decisions of their own, so they run
    as the system on the person's behalf; the label keeps who and why for the log.
    """
    ref = actor_ref(actor)
    return ActorRef.system(f"{because} by {ref.label or ref.kind}")
