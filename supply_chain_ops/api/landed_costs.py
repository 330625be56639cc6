"""``/api/v1/landed-costs/``: create, list, compute (the allocation table), approve, post, reverse, CSV.

Posting and reversing move stock value: they need ``post_landedcost`` and a recent second
factor (the kernel's step-up, 403 ``mfa_required``).
"""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.api.base import NexusReadOnlyModelViewSet
from nexus.core.api.serializers import TenantModelSerializer
from nexus.core.api.transitions import TransitionActionsMixin, TransitionsSerializerMixin
from nexus.core.models.refs import ActorRef
from nexus.core.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS
from nexus.core.stepup import RequiresRecentMfa
from supply_chain_ops.models import ChargeKind, LandedCost, LandedCostAllocation, LandedCostCharge
from supply_chain_ops.models.landed_costs import SPLIT_METHOD_CHOICES
from supply_chain_ops.services.journal import as_csv
from supply_chain_ops.workflows.landed_cost_tables import (
    ALLOCATION_COLUMNS,
    JOURNAL_COLUMNS,
    allocation_table,
    journal_table,
)
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost

#: Transitions that move stock value: a recent second factor is required.
STEP_UP_TRANSITIONS = ("post", "reverse")


class ChargeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChargeKind.choices)
    split_method = serializers.ChoiceField(choices=SPLIT_METHOD_CHOICES)
    amount = serializers.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, required=False, min_value=0
    )
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="")
    description = serializers.CharField(max_length=200, required=False, default="")
    bill_line = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    manual_percent = serializers.BooleanField(required=False, default=False)
    manual_shares = serializers.DictField(
        child=serializers.DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES),
        required=False,
        default=dict,
        help_text="Manual split: receipt line id → amount (or percentage).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("bill_line") is None and ("amount" not in attrs or not attrs["currency"]):
            raise serializers.ValidationError(
                {"amount": ["A charge without a bill line needs an amount and a currency."]}
            )
        try:
            attrs["manual_shares"] = {int(k): v for k, v in attrs["manual_shares"].items()}
        except ValueError:
            raise serializers.ValidationError({"manual_shares": ["Keys are receipt line ids."]}) from None
        return attrs


class LandedCostCreateSerializer(serializers.Serializer):
    goods_receipts = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)
    charges = ChargeInputSerializer(many=True, allow_empty=False)
    description = serializers.CharField(max_length=200, required=False, default="")
    cost_date = serializers.DateField(required=False, allow_null=True, default=None)


class ChargeSerializer(TenantModelSerializer):
    class Meta:
        model = LandedCostCharge
        fields = [
            "id",
            "kind",
            "description",
            "amount",
            "currency",
            "split_method",
            "manual_percent",
            "manual_shares",
            "bill_line",
            "bill_number",
            "rate_date",
            "rate",
            "converted",
        ]
        read_only_fields = fields


class AllocationSerializer(TenantModelSerializer):
    class Meta:
        model = LandedCostAllocation
        fields = [
            "charge",
            "receipt_line",
            "receipt_number",
            "product",
            "sku",
            "quantity",
            "basis",
            "exact_share",
            "amount",
            "on_hand",
            "consumed",
        ]
        read_only_fields = fields


class LandedCostSerializer(TransitionsSerializerMixin, TenantModelSerializer):
    goods_receipts = serializers.SerializerMethodField()
    charges = ChargeSerializer(many=True, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = LandedCost
        fields = [
            "id",
            "number",
            "description",
            "cost_date",
            "status",
            "version",
            "source_bill",
            "currency",
            "total",
            "capitalised",
            "cost_of_goods_sold",
            "goods_receipts",
            "charges",
            "allocations",
            "review",
            "journal",
            "reversal_journal",
            "computed_at",
            "posted_at",
            "reversed_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_goods_receipts(self, landed_cost: LandedCost) -> list[int]:
        return [receipt.goods_receipt_id for receipt in landed_cost.receipts.all()]


class LandedCostListSerializer(LandedCostSerializer):
    class Meta(LandedCostSerializer.Meta):
        fields = [
            f for f in LandedCostSerializer.Meta.fields if f not in ("allocations", "charges", "journal")
        ]
        read_only_fields = fields


class LandedCostViewSet(TransitionActionsMixin, mixins.CreateModelMixin, NexusReadOnlyModelViewSet):
    queryset = LandedCost.objects.prefetch_related("receipts", "charges", "allocations").order_by("-id")
    serializer_class = LandedCostSerializer
    filterset_fields = ["status", "source_bill", "cost_date"]
    search_fields = ["number", "description"]
    ordering_fields = ["id", "number", "cost_date", "total"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return LandedCostListSerializer if self.action == "list" else LandedCostSerializer

    def get_permissions(self) -> list[BasePermission]:
        permissions = super().get_permissions()
        if self.action in STEP_UP_TRANSITIONS:
            permissions.append(RequiresRecentMfa())
        return permissions

    @extend_schema(request=LandedCostCreateSerializer, responses={201: LandedCostSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = LandedCostCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        landed_cost = create_landed_cost(
            receipt_ids=data["goods_receipts"],
            charges=[
                ChargeInput(
                    kind=c["kind"],
                    split_method=c["split_method"],
                    amount=c.get("amount"),
                    currency=c["currency"],
                    description=c["description"],
                    bill_line_id=c["bill_line"],
                    manual_percent=c["manual_percent"],
                    manual_shares=c["manual_shares"],
                )
                for c in data["charges"]
            ],
            actor=ActorRef.for_user(request.user),
            description=data["description"],
            cost_date=data["cost_date"],
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=landed_cost.pk)).data, status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(str, description="The allocation table as CSV.")}
    )
    @action(detail=True, methods=["get"], url_path="allocation-csv", url_name="allocation-csv")
    def allocation_csv(self, request: Request, pk: str | None = None) -> HttpResponse:
        landed_cost = self.get_object()
        return _csv(
            as_csv(allocation_table(landed_cost), ALLOCATION_COLUMNS), f"{landed_cost.number}-allocation"
        )

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(str, description="The journal summary as CSV.")}
    )
    @action(detail=True, methods=["get"], url_path="journal-csv", url_name="journal-csv")
    def journal_csv(self, request: Request, pk: str | None = None) -> HttpResponse:
        landed_cost = self.get_object()
        return _csv(as_csv(journal_table(landed_cost), JOURNAL_COLUMNS), f"{landed_cost.number}-journal")


def _csv(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
