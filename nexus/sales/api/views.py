"""Viewsets of the sales API (``/api/v1/customers/``, ``/sales-orders/``, ``/shipments/``).

Documents: nested lines, transitions as ``POST .../<id>/<transition>/`` (the kernel's mixin,
with this app's handlers for the transitions that reserve, release or post), filters, search,
ordering and pagination; drafts only may be edited or deleted (409 otherwise). Every write is
audited.
"""

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.api.audited import AuditedModelMixin
from nexus.core.api.base import NexusModelViewSet
from nexus.core.api.documents import DraftDocumentViewSetMixin
from nexus.core.api.transitions import TransitionActionsMixin
from nexus.sales.models import Customer, SalesOrder, SalesOrderLine, Shipment, ShipmentLine
from nexus.sales.services import delete_draft_order, top_up_reservations
from nexus.sales.services import draft_shipment as draft_shipment_for

from .serializers import (
    CustomerSerializer,
    DraftShipmentInputSerializer,
    SalesOrderSerializer,
    ShipmentSerializer,
)


class CustomerViewSet(AuditedModelMixin, NexusModelViewSet):
    queryset = Customer.objects.select_related("currency").order_by("code", "id")
    serializer_class = CustomerSerializer
    filterset_fields = ["active", "currency", "country", "city"]
    search_fields = ["code", "name", "city", "email"]
    ordering_fields = ["code", "name", "city", "created_at"]


class CanDraftShipments(BasePermission):
    """Drafting a shipment from an order needs the permission to add shipments."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("sales.add_shipment"))


class CanChangeOrders(BasePermission):
    """Reserving for an order changes it: the permission to change sales orders."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("sales.change_salesorder"))


class SalesOrderViewSet(
    DraftDocumentViewSetMixin, AuditedModelMixin, TransitionActionsMixin, NexusModelViewSet
):
    queryset = (
        SalesOrder.objects.select_related("customer", "currency", "warehouse")
        .prefetch_related(
            Prefetch("lines", SalesOrderLine.objects.select_related("product", "warehouse").order_by("id"))
        )
        .order_by("-order_date", "-id")
    )
    serializer_class = SalesOrderSerializer
    # The shipment transitions follow postings; people never call them.
    transition_names = ["confirm", "close", "cancel"]
    filterset_fields = ["status", "customer", "currency", "warehouse", "order_date"]
    search_fields = [
        "number",
        "customer__code",
        "customer__name",
        "customer_reference",
        "lines__product__sku",
    ]
    ordering_fields = ["order_date", "number", "created_at", "id"]

    def delete_draft(self, instance: SalesOrder) -> None:
        delete_draft_order(instance, actor=self.request.user)

    @extend_schema(
        summary="Reserve what has become free",
        description="For a confirmed or partially shipped order, reserve whatever is now free for its "
        "unreserved, unshipped quantities. Answers with the order (see `unreserved_quantity`).",
        request=None,
        responses={200: SalesOrderSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[CanChangeOrders])
    def reserve(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        top_up_reservations(order, actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=order.pk)).data)

    @extend_schema(
        summary="Draft a shipment for the order",
        description="Create a draft shipment for the given quantities (by order-line id), or for everything "
        "still open in the warehouse (the one all open lines share when none is named); `dropship` "
        "drafts the vendor's delivery of dropship lines. Post it with `POST /shipments/<id>/post/`.",
        request=DraftShipmentInputSerializer,
        responses={201: ShipmentSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[CanDraftShipments], url_path="draft-shipment")
    def draft_shipment(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        body = DraftShipmentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        shipment = draft_shipment_for(
            order,
            warehouse=data.get("warehouse"),
            dropship=data.get("dropship", False),
            quantities=data.get("lines"),
            carrier=data.get("carrier", ""),
            tracking_number=data.get("tracking_number", ""),
        )
        payload = ShipmentSerializer(shipment, context=self.get_serializer_context()).data
        return Response(payload, status=status.HTTP_201_CREATED)


class ShipmentViewSet(
    DraftDocumentViewSetMixin, AuditedModelMixin, TransitionActionsMixin, NexusModelViewSet
):
    queryset = (
        Shipment.objects.select_related("sales_order", "warehouse")
        .prefetch_related(
            Prefetch("lines", ShipmentLine.objects.select_related("sales_order_line__product").order_by("id"))
        )
        .order_by("-shipped_at", "-id")
    )
    serializer_class = ShipmentSerializer
    filterset_fields = ["status", "sales_order", "warehouse", "dropship", "sales_order__customer"]
    search_fields = ["number", "sales_order__number", "tracking_number", "carrier"]
    ordering_fields = ["shipped_at", "number", "id"]
