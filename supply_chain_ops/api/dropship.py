"""``/api/v1/dropship-orders/``: dropship orders, their lines and vendor shipments, and their steps.

Dropship orders are opened by the system from confirmed sales orders; here they are listed and
moved on: ``resume`` (after ``pick-vendor``), ``send``, ``close``, ``cancel``, and
``vendor-shipments`` — a vendor's shipment notice, by a buyer or by a token bound to the vendor.
A vendor-bound token sees only the orders with lines of its vendor and ships only those lines.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.api.base import NexusReadOnlyModelViewSet
from nexus.core.api.transitions import (
    ERROR_BODY,
    REPLAYED_HEADER,
    TransitionActionPermissions,
    TransitionActionsMixin,
    TransitionsSerializerMixin,
)
from supply_chain_ops.models import DropshipLine, DropshipOrder, DropshipShipment, DropshipShipmentLine
from supply_chain_ops.workflows import dropship
from supply_chain_ops.workflows.dropship import ShippedLine

SHIP_PERMISSION = "supply_chain_ops.ship_dropshiporder"


def bound_vendor(request: Request) -> int | None:
    """The one vendor the caller acts for (a vendor-bound service token), or None."""
    vendor_id: int | None = getattr(request.user, "bound_vendor_id", None)
    return vendor_id


def quantity_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=4, **kwargs)


class DropshipLineSerializer(serializers.ModelSerializer[DropshipLine]):
    open_quantity = quantity_field(read_only=True)

    class Meta:
        model = DropshipLine
        fields = [
            "id",
            "sales_order_line",
            "product",
            "sku",
            "unit",
            "quantity",
            "shipped_quantity",
            "open_quantity",
            "vendor",
            "vendor_choice",
            "vendor_sku",
            "unit_price",
            "currency",
            "lead_time_days",
            "problem",
            "purchase_order",
            "purchase_order_line",
        ]
        read_only_fields = fields


class DropshipShipmentLineSerializer(serializers.ModelSerializer[DropshipShipmentLine]):
    class Meta:
        model = DropshipShipmentLine
        fields = ["line", "quantity"]
        read_only_fields = fields


class DropshipShipmentSerializer(serializers.ModelSerializer[DropshipShipment]):
    lines = DropshipShipmentLineSerializer(many=True, read_only=True)

    class Meta:
        model = DropshipShipment
        fields = ["id", "tracking_number", "carrier", "shipped_at", "sales_shipment", "reported_by", "lines"]
        read_only_fields = fields


class DropshipOrderSerializer(TransitionsSerializerMixin, serializers.ModelSerializer[DropshipOrder]):
    lines = DropshipLineSerializer(many=True, read_only=True)
    shipments = DropshipShipmentSerializer(many=True, read_only=True)

    class Meta:
        model = DropshipOrder
        fields = [
            "id",
            "number",
            "sales_order",
            "sales_order_number",
            "customer",
            "customer_reference",
            "ship_to_name",
            "ship_to_address_line1",
            "ship_to_address_line2",
            "ship_to_postal_code",
            "ship_to_city",
            "ship_to_region",
            "ship_to_country",
            "status",
            "exception_kind",
            "exception_reason",
            "sent_at",
            "shipped_at",
            "closed_at",
            "version",
            "lines",
            "shipments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ShippedLineSerializer(serializers.Serializer[Any]):
    sales_order_line = serializers.IntegerField(min_value=1, required=False)
    purchase_order_line = serializers.IntegerField(min_value=1, required=False)
    quantity = quantity_field(
        min_value=Decimal("0.0001"), required=False, help_text="Omit: all that is still open on the line."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("sales_order_line" in attrs) == ("purchase_order_line" in attrs):
            raise serializers.ValidationError("Give sales_order_line or purchase_order_line (one of them).")
        return attrs


class VendorShipmentInputSerializer(serializers.Serializer[Any]):
    tracking_number = serializers.CharField(max_length=100)
    carrier = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    shipped_at = serializers.DateTimeField(required=False, help_text="When it left; default: now.")
    lines = serializers.ListField(child=ShippedLineSerializer(), allow_empty=False, max_length=1000)


class PickVendorInputSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(min_value=1, help_text="The dropship line (its id) waiting for a vendor.")
    vendor = serializers.IntegerField(min_value=1)


class CanShip(BasePermission):
    """Recording a vendor shipment needs ``ship_dropshiporder`` (a buyer, or a vendor's token)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm(SHIP_PERMISSION))


class DropshipOrderViewSet(TransitionActionsMixin, NexusReadOnlyModelViewSet):
    """Dropship orders: ``pick-vendor`` and ``resume``, ``send``, ``vendor-shipments``, ``close``,
    ``cancel``."""

    queryset = DropshipOrder.objects.prefetch_related(
        Prefetch("lines", DropshipLine.objects.order_by("id")),
        Prefetch(
            "shipments",
            DropshipShipment.objects.order_by("id").prefetch_related(
                Prefetch("lines", DropshipShipmentLine.objects.order_by("id"))
            ),
        ),
    ).order_by("-id")
    serializer_class = DropshipOrderSerializer
    # Opening, ordering and holding follow events; shipments go through ``vendor-shipments``.
    transition_names = ["resume", "send", "close", "cancel"]
    filterset_fields = ["status", "exception_kind", "sales_order", "customer"]
    search_fields = ["number", "sales_order_number", "lines__sku", "ship_to_name"]
    ordering_fields = ["number", "created_at", "id"]

    def get_queryset(self) -> QuerySet[DropshipOrder]:
        queryset: QuerySet[DropshipOrder] = super().get_queryset()
        vendor_id = bound_vendor(self.request)
        if vendor_id is not None:
            queryset = queryset.filter(
                Exists(DropshipLine.objects.filter(order=OuterRef("pk"), vendor_id=vendor_id))
            )
        return queryset

    def _answer(self, order: DropshipOrder, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=order.pk)).data, **kwargs)

    @extend_schema(
        request=VendorShipmentInputSerializer,
        responses={
            201: DropshipOrderSerializer,
            200: OpenApiResponse(DropshipOrderSerializer, description="The notice was already recorded."),
            403: OpenApiResponse(ERROR_BODY, description="A line of another vendor than the token's."),
            409: OpenApiResponse(
                ERROR_BODY,
                description="Not sent yet, more than is open, or the "
                "tracking number was reported with other lines.",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="vendor-shipments", permission_classes=[CanShip])
    def vendor_shipments(self, request: Request, pk: str | None = None) -> Response:
        """A vendor's shipment notice: ships exactly these sales-order lines (by a buyer or the vendor).

        Lines are named by their sales-order line or their purchase-order line. The same tracking
        number with the same lines answers the first notice again (200) and ships nothing more.
        """
        order = self.get_object()
        body = VendorShipmentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = dropship.record_vendor_shipment(
            order,
            [ShippedLine(**line) for line in data["lines"]],
            tracking_number=data["tracking_number"],
            carrier=data["carrier"],
            shipped_at=data.get("shipped_at"),
            actor=request.user,
            vendor_id=bound_vendor(request),
        )
        if result.replayed:
            return self._answer(result.order, headers={REPLAYED_HEADER: "true"})
        return self._answer(result.order, status=status.HTTP_201_CREATED)

    @extend_schema(request=PickVendorInputSerializer, responses={200: DropshipOrderSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="pick-vendor",
        permission_classes=[TransitionActionPermissions],
    )
    def pick_vendor(self, request: Request, pk: str | None = None) -> Response:
        """A buyer picks the vendor of a line in the exception queue; then ``resume``."""
        order = self.get_object()
        body = PickVendorInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dropship.pick_vendor(
            order, body.validated_data["line"], body.validated_data["vendor"], actor=request.user
        )
        return self._answer(order)
