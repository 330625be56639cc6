"""Who the stock services and follow-up transitions see when a person posts a document."""

from nexus.core.models.refs import ActorRef
from nexus.core.transitions import Actor, resolve_actor


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
