"""Small helpers the procurement tests share."""

from decimal import Decimal
from typing import Any

from django.contrib.messages import get_messages
from django.test import Client
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models import OutboxEvent, TransitionLog
from nexus.core.transitions import perform_transition
from nexus.inventory.models import CostLayer, Reservation, StockAvailability, StockBalance, StockMove
from nexus.procurement.models import GoodsReceipt, PurchaseOrder, PurchaseOrderLine
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from tests.factories.procurement import PurchaseOrderFactory, PurchaseOrderLineFactory

Line = tuple[Any, str, str]


def draft_order(site: Any, *lines: Line, **fields: Any) -> PurchaseOrder:
    """A draft purchase order of the site's vendor with (product, quantity, unit price) lines."""
    order = PurchaseOrderFactory.create(vendor=site.vendor, warehouse=site.warehouse, **fields)
    for product, quantity, price in lines:
        PurchaseOrderLineFactory.create(
            order=order, product=product, quantity=Decimal(quantity), unit_price=Decimal(price)
        )
    return order


def sent_order(site: Any, by: Any, *lines: Line, **fields: Any) -> PurchaseOrder:
    """A purchase order sent by ``by`` (a purchaser) with (product, quantity, unit price) lines."""
    sent: PurchaseOrder = perform_transition(draft_order(site, *lines, **fields), "send", actor=by).instance
    return sent


def overtaken_receipt(
    order: PurchaseOrder, line: PurchaseOrderLine, *, first: str, then: str, by: Any
) -> GoodsReceipt:
    """A draft receipt of ``then`` within the tolerance when drafted, beyond it once a draft of ``first``,
    drafted beside it, is posted by ``by`` (drafting alone refuses what is already beyond)."""
    earlier = draft_receipt(order, quantities={line.pk: Decimal(first)})
    later = draft_receipt(order, quantities={line.pk: Decimal(then)})
    post_receipt(earlier, actor=by)
    return later


def order_lines(order: PurchaseOrder) -> list[PurchaseOrderLine]:
    return list(PurchaseOrderLine.objects.filter(order=order).order_by("id"))


def refreshed(document: Any) -> Any:
    return type(document).objects.get(pk=document.pk)


def stock_snapshot() -> dict[str, Any]:
    """Everything a refused posting must leave unchanged, in comparable form."""
    return {
        "moves": list(StockMove.objects.order_by("id").values_list("id", flat=True)),
        "layers": list(CostLayer.objects.order_by("id").values_list("id", "quantity_remaining")),
        "availability": list(
            StockAvailability.objects.order_by("id").values_list("id", "on_hand", "reserved", "value")
        ),
        "balances": list(StockBalance.objects.order_by("id").values_list("id", "on_hand", "value")),
        "reservations": list(
            Reservation.objects.order_by("id").values_list("id", "state", "consumed_quantity")
        ),
        "outbox": list(OutboxEvent.objects.order_by("id").values_list("id", flat=True)),
        "transitions": TransitionLog.objects.count(),
        "po": list(PurchaseOrder.objects.order_by("id").values_list("id", "status")),
        "po_lines": list(PurchaseOrderLine.objects.order_by("id").values_list("id", "received_quantity")),
        "receipts": list(GoodsReceipt.objects.order_by("id").values_list("id", "status", "location_id")),
    }


class TenantAPIClient(APIClient):
    """An API client for one tenant that leaves the test in that tenant after each request.

    The tenant middleware resets the scope when a response is done (threads are reused), which
    in a test is the test's own thread: the test's checks would run with no tenant selected.
    """

    def __init__(self, user: Any, tenant: Any) -> None:
        super().__init__()
        self.force_authenticate(user)
        self.credentials(HTTP_X_TENANT=tenant.slug)
        self.tenant_id = tenant.pk

    def request(self, *args: Any, **kwargs: Any) -> Any:
        response = super().request(*args, **kwargs)
        scope.activate(scope.Scope(tenant_id=self.tenant_id))
        return response


class TenantAdminClient(Client):
    """A browser logged in to the admin with a tenant selected, left in that tenant after each request."""

    def __init__(self, user: Any, tenant: Any) -> None:
        super().__init__()
        self.force_login(user)
        session = self.session
        session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
        session.save()
        self.tenant_id = tenant.pk

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        scope.activate(scope.Scope(tenant_id=self.tenant_id))
        return response


def messages_of(response: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def save_buttons(response: Any) -> list[str]:
    """The save buttons a change page shows, by their names (``_save``, ``_continue`` ...)."""
    html = response.content.decode()
    return [name for name in ("_save", "_continue", "_addanother") if f'name="{name}"' in html]
