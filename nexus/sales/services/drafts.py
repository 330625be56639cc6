"""Deleting a draft sales order: under its lock, giving back whatever its lines still hold reserved."""

from nexus.core.editing import delete_draft
from nexus.core.transitions import Actor
from nexus.core.transitions.actors import actor_ref, follow_up_actor
from nexus.inventory.services import release_for_source
from nexus.sales.models import SalesOrder, SalesOrderLine

from .reserving import line_source


def delete_draft_order(order: SalesOrder, *, actor: Actor) -> None:
    """Delete a draft order and its lines, first releasing every open reservation of its lines.

    Confirming is what reserves, but a reservation can also be made for a draft's line by hand
    (``POST /reservations/`` naming it): deleting the draft must not leave that stock held. Lock
    order: the order, its lines, their reservations, then availability (DESIGN.md §1). Raises
    ``AlreadyPosted`` (409) once the order is no longer a draft, ``NotFound`` when it is gone.
    """

    def release_reservations(locked: SalesOrder) -> None:
        who = follow_up_actor(actor, f"{locked} deleted")
        line_ids = (
            SalesOrderLine.objects.select_for_update()
            .filter(order=locked)
            .order_by("id")
            .values_list("id", flat=True)
        )
        for line_id in list(line_ids):
            release_for_source(line_source(line_id), actor=who, reason=f"{locked} was deleted as a draft.")

    delete_draft(order, actor=actor_ref(actor), before_delete=release_reservations)
