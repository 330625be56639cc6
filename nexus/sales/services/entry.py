"""What a new sales-order line takes from its order when the clerk leaves it out."""

from typing import Any

from django.utils import timezone

from nexus.sales.models import SalesOrder


def line_defaults(order: SalesOrder, line: dict[str, Any]) -> dict[str, Any]:
    """Fill a line's blank warehouse and requested date from its order; return the line.

    A stock line ships from the order's warehouse unless it names its own; a dropship line names
    none. Without a requested date the customer wants the goods on the order's date. A stock
    line left without a warehouse (none on the order either) is for the caller to refuse.
    """
    filled = dict(line)
    if filled.get("dropship"):
        filled["warehouse"] = None
    elif filled.get("warehouse") is None and order.warehouse_id is not None:
        filled["warehouse"] = order.warehouse
    if filled.get("requested_date") is None:
        filled["requested_date"] = order.order_date or timezone.localdate()
    return filled
