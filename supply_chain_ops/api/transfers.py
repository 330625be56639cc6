"""``/api/v1/transfer-orders/``: transfer orders, their lines, and their steps as actions."""

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.api.base import NexusReadOnlyModelViewSet
from nexus.core.api.fields import LineQuantitiesField
from nexus.core.api.transitions import (
    REPLAYED_HEADER,
    TransitionActionPermissions,
    TransitionActionsMixin,
    TransitionInputSerializer,
    TransitionsSerializerMixin,
)
from supply_chain_ops.models import TransferOrder, TransferOrderLine
from supply_chain_ops.workflows import transfers


def quantity_field(**kwargs: Any) -> serializers.DecimalField:
    """A quantity at the stock ledger's scale."""
    return serializers.DecimalField(max_digits=18, decimal_places=4, **kwargs)


class TransferOrderLineSerializer(serializers.ModelSerializer[TransferOrderLine]):
    in_transit = quantity_field(read_only=True)

    class Meta:
        model = TransferOrderLine
        fields = [
            "id",
            "product",
            "sku",
            "unit",
            "quantity",
            "shipped_quantity",
            "received_quantity",
            "written_off_quantity",
            "in_transit",
        ]
        read_only_fields = fields


class TransferOrderSerializer(TransitionsSerializerMixin, serializers.ModelSerializer[TransferOrder]):
    lines = TransferOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = TransferOrder
        fields = [
            "id",
            "number",
            "source_warehouse",
            "destination_warehouse",
            "ship_date",
            "expected_date",
            "notes",
            "status",
            "approved_at",
            "shipped_at",
            "closed_at",
            "write_off_reason",
            "version",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class _NewLine(serializers.Serializer[Any]):
    product = serializers.IntegerField(min_value=1)
    quantity = quantity_field(min_value=Decimal(0))


class NewTransferOrderSerializer(serializers.Serializer[Any]):
    """A draft transfer: the warehouses and products are checked by the workflow (in the tenant)."""

    source_warehouse = serializers.IntegerField(min_value=1)
    destination_warehouse = serializers.IntegerField(min_value=1)
    ship_date = serializers.DateField(required=False)
    expected_date = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    lines = _NewLine(many=True, allow_empty=False)


class ReceiveInputSerializer(TransitionInputSerializer):
    lines = LineQuantitiesField(
        required=False,
        help_text="Line id → quantity received; omit to receive everything still in transit.",
    )


class TransferOrderViewSet(TransitionActionsMixin, mixins.CreateModelMixin, NexusReadOnlyModelViewSet):
    """Transfer orders: create drafts, then ``approve``, ``ship``, ``receive``, ``close``, ``cancel``."""

    queryset = TransferOrder.objects.prefetch_related(
        Prefetch("lines", TransferOrderLine.objects.order_by("id"))
    ).order_by("-id")
    serializer_class = TransferOrderSerializer
    # Receipts choose between receive_part and receive_all themselves (the receive action).
    transition_names = ["approve", "ship", "close", "cancel"]
    filterset_fields = ["status", "source_warehouse", "destination_warehouse", "expected_date"]
    search_fields = ["number", "lines__sku", "notes"]
    ordering_fields = ["expected_date", "ship_date", "number", "id"]

    @extend_schema(request=NewTransferOrderSerializer, responses={201: TransferOrderSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = NewTransferOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        order = transfers.draft_transfer(
            source_warehouse_id=data["source_warehouse"],
            destination_warehouse_id=data["destination_warehouse"],
            ship_date=data.get("ship_date"),
            expected_date=data["expected_date"],
            notes=data["notes"],
            lines=[(line["product"], line["quantity"]) for line in data["lines"]],
            actor=request.user,
        )
        data = self.get_serializer(self.get_queryset().get(pk=order.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReceiveInputSerializer, responses={200: TransferOrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=[TransitionActionPermissions])
    def receive(self, request: Request, pk: str | None = None) -> Response:
        """Receive goods at the destination (several receipts; never more than is in transit)."""
        order = self.get_object()
        body = ReceiveInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = transfers.receive(
            order,
            body.validated_data.get("lines"),
            actor=request.user,
            idempotency_key=body.validated_data["idempotency_key"],
        )
        headers = {REPLAYED_HEADER: "true"} if result.replayed else {}
        data = self.get_serializer(self.get_queryset().get(pk=result.instance.pk)).data
        return Response(data, headers=headers)
