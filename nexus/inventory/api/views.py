"""Inventory endpoints: catalogue and sites (audited CRUD), the ledger and balances (read-only),
stock adjustments, and reservations (create = reserve; confirm and release as transitions)."""

from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from nexus.core.api.audited import AuditedModelMixin
from nexus.core.api.base import NexusGenericViewSet, NexusModelViewSet, NexusReadOnlyModelViewSet
from nexus.core.api.transitions import ERROR_BODY, TransitionActionsMixin
from nexus.core.models.refs import ActorRef
from nexus.inventory import services
from nexus.inventory.models import (
    PERSON_TRANSITIONS,
    Location,
    Product,
    Reservation,
    StockAvailability,
    StockBalance,
    StockMove,
    Warehouse,
)

from . import filters
from .serializers import (
    AdjustmentSerializer,
    LocationSerializer,
    ProductSerializer,
    ReservationSerializer,
    StockAvailabilitySerializer,
    StockBalanceSerializer,
    StockMoveSerializer,
    WarehouseSerializer,
)

TAGS = ["inventory"]
ERRORS = {
    400: OpenApiResponse(ERROR_BODY, description="Invalid input; see fields."),
    403: OpenApiResponse(ERROR_BODY, description="Not permitted in this tenant."),
    409: OpenApiResponse(ERROR_BODY, description="Refused by the stock: not enough free, or reserved."),
}


LEDGER_BOUND = (
    "What the stock ledger depends on — a location's warehouse and kind, a warehouse's kind, a "
    "product's unit and unit decimals — cannot change once the row holds stock or has stock history: "
    "409 `in_use_by_ledger`, saying why."
)


def _crud_schema(noun: str) -> dict[str, Any]:
    return {
        "list": extend_schema(summary=f"List {noun}s", tags=TAGS),
        "retrieve": extend_schema(summary=f"Show a {noun}", tags=TAGS),
        "create": extend_schema(summary=f"Create a {noun}", tags=TAGS),
        "update": extend_schema(summary=f"Replace a {noun}", description=LEDGER_BOUND, tags=TAGS),
        "partial_update": extend_schema(summary=f"Change a {noun}", description=LEDGER_BOUND, tags=TAGS),
        "destroy": extend_schema(
            summary=f"Delete a {noun}",
            description="Refused (409) once stock or documents refer to it.",
            tags=TAGS,
        ),
    }


@extend_schema_view(**_crud_schema("product"))
class ProductViewSet(AuditedModelMixin, NexusModelViewSet):
    """Products of the tenant; edits are audited."""

    queryset = Product.objects.order_by("sku", "id")
    serializer_class = ProductSerializer
    filterset_class = filters.ProductFilter
    search_fields = ["sku", "name"]
    ordering_fields = ["sku", "name", "created_at", "updated_at"]


@extend_schema_view(**_crud_schema("warehouse"))
class WarehouseViewSet(AuditedModelMixin, NexusModelViewSet):
    """Warehouses with their locations; a new one gets its default location (STOCK or TRANSIT)."""

    queryset = Warehouse.objects.prefetch_related(
        Prefetch("locations", queryset=Location.objects.order_by("code"))
    ).order_by("code", "id")
    serializer_class = WarehouseSerializer
    filterset_class = filters.WarehouseFilter
    search_fields = ["code", "name", "city"]
    ordering_fields = ["code", "name", "city", "created_at"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        with transaction.atomic():
            super().perform_create(serializer)
            services.add_default_location(serializer.instance)  # type: ignore[arg-type]


@extend_schema_view(**_crud_schema("location"))
class LocationViewSet(AuditedModelMixin, NexusModelViewSet):
    """Locations inside warehouses; only ``stock`` locations hold sellable goods."""

    queryset = Location.objects.select_related("warehouse").order_by("warehouse__code", "code", "id")
    serializer_class = LocationSerializer
    filterset_class = filters.LocationFilter
    search_fields = ["code", "name", "warehouse__code"]
    ordering_fields = ["code", "kind", "created_at"]


@extend_schema_view(
    list=extend_schema(summary="List stock balances (per product and location)", tags=TAGS),
    retrieve=extend_schema(summary="Show a stock balance", tags=TAGS),
)
class StockBalanceViewSet(NexusReadOnlyModelViewSet):
    """On hand and value per product and location, kept by the stock services (read-only)."""

    queryset = StockBalance.objects.select_related("product", "location").order_by(
        "product__sku", "location_id"
    )
    serializer_class = StockBalanceSerializer
    filterset_class = filters.StockBalanceFilter
    search_fields = ["product__sku", "product__name"]
    ordering_fields = ["on_hand", "value", "updated_at", "product__sku"]


@extend_schema_view(
    list=extend_schema(summary="List stock availability (per product and warehouse)", tags=TAGS),
    retrieve=extend_schema(summary="Show the availability of a product in a warehouse", tags=TAGS),
)
class StockAvailabilityViewSet(NexusReadOnlyModelViewSet):
    """Sellable on hand, reserved, free, and the moving-average valuation per product and warehouse."""

    queryset = StockAvailability.objects.select_related("product", "warehouse").order_by(
        "product__sku", "warehouse__code"
    )
    serializer_class = StockAvailabilitySerializer
    filterset_class = filters.StockAvailabilityFilter
    search_fields = ["product__sku", "product__name"]
    ordering_fields = ["on_hand_sellable", "reserved", "on_hand", "value", "updated_at"]


@extend_schema_view(
    list=extend_schema(summary="List stock moves (the ledger)", tags=TAGS),
    retrieve=extend_schema(summary="Show a stock move", tags=TAGS),
)
class StockMoveViewSet(NexusReadOnlyModelViewSet):
    """The append-only stock ledger. Moves come from documents, or from ``adjust`` here."""

    queryset = StockMove.objects.select_related("product", "from_location", "to_location").order_by(
        "-occurred_at", "-id"
    )
    serializer_class = StockMoveSerializer
    filterset_class = filters.StockMoveFilter
    search_fields = ["product__sku", "document_type", "note"]
    ordering_fields = ["occurred_at", "posted_at", "quantity", "value", "id"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return AdjustmentSerializer if self.action == "adjust" else StockMoveSerializer

    @extend_schema(
        summary="Adjust stock at a location",
        description="Posts one `adjustment` move: an increase comes in at `unit_cost` (default: the "
        "warehouse's moving average) and creates a cost layer; a decrease leaves at the moving "
        "average, consuming cost layers first-in-first-out. Stock reserved for orders cannot be "
        "removed (409). Needs the `inventory.add_stockmove` permission.",
        request=AdjustmentSerializer,
        responses={201: StockMoveSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=False, methods=["post"])
    def adjust(self, request: Request) -> Response:
        body = AdjustmentSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        move = services.adjust(
            data["product"].pk,
            data["location"].pk,
            data["quantity"],
            note=data["reason"],
            unit_cost=data["unit_cost"],
            actor=ActorRef.for_user(request.user),
        )
        return Response(StockMoveSerializer(move).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List reservations", tags=TAGS),
    retrieve=extend_schema(summary="Show a reservation", tags=TAGS),
)
class ReservationViewSet(
    TransitionActionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    NexusGenericViewSet,
):
    """Reservations of sellable stock. Creating one reserves (atomically, never more than is free);
    ``confirm`` and ``release`` are transitions; shipments consume them and holds expire."""

    queryset = Reservation.objects.select_related("product").order_by("required_date", "id")
    serializer_class = ReservationSerializer
    filterset_class = filters.ReservationFilter
    search_fields = ["product__sku", "source_type"]
    ordering_fields = ["required_date", "created_at", "expires_at", "quantity", "id"]
    transition_names = PERSON_TRANSITIONS

    @extend_schema(
        summary="Reserve stock",
        description="Holds `quantity` of sellable stock of the product in the warehouse for the source "
        "(a document line by type and id) until `expires_at` (none: until released or consumed). "
        "Refused with 409 `insufficient_stock`, naming what is free, when not enough is.",
        responses={201: ReservationSerializer, **ERRORS},
        tags=TAGS,
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        reservation = services.reserve(
            services.ReservationRequest(
                product_id=data["product"].pk,
                warehouse_id=data["warehouse"].pk,
                quantity=data["quantity"],
                required_date=data["required_date"],
                source=services.SourceRef(data["source_type"], data["source_id"]),
                expires_at=data.get("expires_at"),
                note=data.get("note", ""),
            ),
            actor=ActorRef.for_user(request.user),
        )
        created = self.get_queryset().get(pk=reservation.pk)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)
