"""Purchase-order state that follows its receipts."""

from nexus.core.models.refs import ActorRef
from nexus.core.transitions import perform_transition
from nexus.procurement.models import PurchaseOrder, PurchaseOrderStatus


def follow_receipts(order: PurchaseOrder, *, actor: ActorRef, reason: str) -> PurchaseOrder:
    """Move a locked order to received or partially received after its lines' quantities changed.

    Called inside a receipt's posting, with the order locked; does nothing when the state
    already says what the lines say.
    """
    lines = list(order.lines.order_by("id"))
    if lines and all(line.received_quantity >= line.quantity for line in lines):
        name = "record_full_receipt"
    elif order.status == PurchaseOrderStatus.SENT and any(line.received_quantity > 0 for line in lines):
        name = "record_partial_receipt"
    else:
        return order
    result = perform_transition(order, name, actor=actor, reason=reason)
    moved: PurchaseOrder = result.instance
    return moved
