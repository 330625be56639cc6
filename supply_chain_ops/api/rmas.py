"""``/api/v1/rmas/``: returns, their lines, receipts and inspections, and their steps as actions.

Approving an RMA worth more than the tenant's ``rma_step_up_value`` also needs a recent second
factor (403 ``mfa_required``).
"""

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django_filters import rest_framework as filters
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
from nexus.core.stepup import require_recent_mfa
from nexus.core.transitions.declarations import TransitionSpec
from supply_chain_ops.models import Disposition, Resolution, Rma, RmaInspection, RmaLine, RmaReceipt
from supply_chain_ops.workflows import rmas

from .transfers import quantity_field


class RmaLineSerializer(serializers.ModelSerializer[RmaLine]):
    class Meta:
        model = RmaLine
        fields = [
            "id",
            "sales_order_line",
            "product",
            "sku",
            "unit",
            "description",
            "unit_price",
            "unit_cost",
            "requested_quantity",
            "approved_quantity",
            "received_quantity",
            "inspected_quantity",
        ]
        read_only_fields = fields


class RmaReceiptSerializer(serializers.ModelSerializer[RmaReceipt]):
    class Meta:
        model = RmaReceipt
        fields = ["id", "line", "quantity", "value", "received_at", "received_by"]
        read_only_fields = fields


class RmaInspectionSerializer(serializers.ModelSerializer[RmaInspection]):
    class Meta:
        model = RmaInspection
        fields = [
            "id",
            "line",
            "quantity",
            "disposition",
            "defective",
            "note",
            "vendor",
            "vendor_return_number",
            "repaired_quantity",
            "value",
            "inspected_at",
            "inspected_by",
        ]
        read_only_fields = fields


class RmaSerializer(TransitionsSerializerMixin, serializers.ModelSerializer[Rma]):
    lines = RmaLineSerializer(many=True, read_only=True)
    receipts = RmaReceiptSerializer(many=True, read_only=True)
    inspections = RmaInspectionSerializer(many=True, read_only=True)

    class Meta:
        model = Rma
        fields = [
            "id",
            "number",
            "customer",
            "sales_order",
            "order_number",
            "reason",
            "requested_resolution",
            "warehouse",
            "currency",
            "notes",
            "window_override_reason",
            "status",
            "submitted_at",
            "approved_at",
            "received_at",
            "inspected_at",
            "resolved_at",
            "closed_at",
            "credit_note",
            "replacement_order",
            "restocking_fee",
            "version",
            "lines",
            "receipts",
            "inspections",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class _NewRmaLine(serializers.Serializer[Any]):
    sales_order_line = serializers.IntegerField(min_value=1)
    quantity = quantity_field(min_value=Decimal("0.0001"))


class NewRmaSerializer(serializers.Serializer[Any]):
    """A draft RMA: the order, lines, reason and warehouse are checked by the workflow (in the tenant)."""

    sales_order = serializers.IntegerField(min_value=1)
    reason = serializers.IntegerField(min_value=1)
    requested_resolution = serializers.ChoiceField(choices=Resolution.choices)
    warehouse = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    window_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    lines = _NewRmaLine(many=True, allow_empty=False)


class RmaReceiveInputSerializer(TransitionInputSerializer):
    lines = LineQuantitiesField(
        required=False, help_text="RMA line id → quantity received; omit to receive everything approved."
    )


class _Inspection(serializers.Serializer[Any]):
    line = serializers.IntegerField(min_value=1)
    quantity = quantity_field(min_value=Decimal("0.0001"))
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    defective = serializers.BooleanField(required=False, default=False)
    vendor = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class InspectInputSerializer(TransitionInputSerializer):
    inspections = _Inspection(many=True, allow_empty=False)


class RepairedInputSerializer(TransitionInputSerializer):
    repairs = LineQuantitiesField(help_text="Inspection id (a repair) → quantity repaired, back to stock.")


class RmaFilter(filters.FilterSet):
    created_after = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Rma
        fields = ["status", "customer", "sales_order", "warehouse", "reason", "requested_resolution"]


class RmaViewSet(TransitionActionsMixin, mixins.CreateModelMixin, NexusReadOnlyModelViewSet):
    """RMAs: create drafts, then ``submit``, ``approve``, ``reject``, ``receive``, ``inspect``,
    ``resolve``, ``close``, ``cancel``; ``repaired`` brings repaired goods back to stock."""

    queryset = Rma.objects.prefetch_related(
        Prefetch("lines", RmaLine.objects.order_by("id")),
        Prefetch("receipts", RmaReceipt.objects.order_by("id")),
        Prefetch("inspections", RmaInspection.objects.order_by("id")),
    ).order_by("-id")
    serializer_class = RmaSerializer
    # Receipts choose between receive_part and receive_all (the receive action); inspections
    # carry their dispositions (the inspect action); the wait for goods follows approval.
    transition_names = ["submit", "approve", "reject", "resolve", "close", "cancel"]
    filterset_class = RmaFilter
    search_fields = ["number", "order_number", "lines__sku", "notes"]
    ordering_fields = ["created_at", "number", "id"]

    def perform_transition_action(self, request: Request, spec: TransitionSpec) -> Response:
        if spec.name == "approve" and rmas.needs_step_up(self.get_object()):
            require_recent_mfa(request)
        return super().perform_transition_action(request, spec)

    def _answer(
        self, pk: int, headers: dict[str, str] | None = None, code: int = status.HTTP_200_OK
    ) -> Response:
        data = self.get_serializer(self.get_queryset().get(pk=pk)).data
        return Response(data, status=code, headers=headers or {})

    @extend_schema(request=NewRmaSerializer, responses={201: RmaSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = NewRmaSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rma = rmas.create_rma(
            sales_order_id=data["sales_order"],
            reason_id=data["reason"],
            requested_resolution=data["requested_resolution"],
            warehouse_id=data["warehouse"],
            notes=data["notes"],
            window_override_reason=data["window_override_reason"],
            lines=[(line["sales_order_line"], line["quantity"]) for line in data["lines"]],
            actor=request.user,
        )
        return self._answer(rma.pk, code=status.HTTP_201_CREATED)

    @extend_schema(request=RmaReceiveInputSerializer, responses={200: RmaSerializer})
    @action(detail=True, methods=["post"], permission_classes=[TransitionActionPermissions])
    def receive(self, request: Request, pk: str | None = None) -> Response:
        """Receive goods into quality hold (several receipts; never more than approved)."""
        rma = self.get_object()
        body = RmaReceiveInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = rmas.receive(
            rma,
            body.validated_data.get("lines"),
            actor=request.user,
            idempotency_key=body.validated_data["idempotency_key"],
        )
        return self._answer(result.instance.pk, {REPLAYED_HEADER: "true"} if result.replayed else {})

    @extend_schema(request=InspectInputSerializer, responses={200: RmaSerializer})
    @action(detail=True, methods=["post"], permission_classes=[TransitionActionPermissions])
    def inspect(self, request: Request, pk: str | None = None) -> Response:
        """Dispose of everything received: restock, scrap, repair or return to vendor, per quantity."""
        rma = self.get_object()
        body = InspectInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        inspected = rmas.inspect(
            rma,
            [
                rmas.InspectionInput(
                    line_id=item["line"],
                    quantity=item["quantity"],
                    disposition=item["disposition"],
                    defective=item["defective"],
                    vendor_id=item["vendor"],
                    note=item["note"],
                )
                for item in body.validated_data["inspections"]
            ],
            actor=request.user,
            idempotency_key=body.validated_data["idempotency_key"],
        )
        return self._answer(inspected.pk)

    @extend_schema(request=RepairedInputSerializer, responses={200: RmaSerializer})
    @action(detail=True, methods=["post"], permission_classes=[TransitionActionPermissions])
    def repaired(self, request: Request, pk: str | None = None) -> Response:
        """Bring repaired goods from the repair location back to stock."""
        rma = self.get_object()
        body = RepairedInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rmas.complete_repair(rma, body.validated_data["repairs"], actor=request.user)
        return self._answer(rma.pk)
