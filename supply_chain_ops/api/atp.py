"""``/api/v1/atp/`` (available to promise, one product or a batch) and ``/api/v1/promises/``."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nexus.core.api.base import NexusAPIView, NexusReadOnlyModelViewSet
from nexus.core.api.transitions import TransitionActionsMixin, TransitionsSerializerMixin
from supply_chain_ops.coordinators.atp import AtpAnswer, AtpRequest, available_to_promise
from supply_chain_ops.models import Promise
from supply_chain_ops.workflows import promises

MAX_BATCH = 500
MAX_HORIZON = 366
TAG = ["Available to promise"]


def quantity_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=4, **kwargs)


class CanViewPromises(BasePermission):
    """ATP answers reveal stock and orders: whoever may view promises may ask."""

    message = "You may not see what can be promised in this tenant."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.has_perm("supply_chain_ops.view_promise"))


class AtpQuerySerializer(serializers.Serializer[Any]):
    product = serializers.IntegerField(min_value=1)
    quantity = quantity_field(min_value=Decimal("0.0001"))
    warehouse = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=50,
        help_text="Warehouses to consider (repeat the parameter); omitted: every warehouse holding stock.",
    )


class AtpOptionsSerializer(serializers.Serializer[Any]):
    buckets = serializers.BooleanField(required=False, default=False, help_text="Include the daily buckets.")
    horizon_days = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_HORIZON, help_text="Default: the tenant's horizon."
    )


class AtpGetSerializer(AtpQuerySerializer, AtpOptionsSerializer):
    pass


class AtpBatchSerializer(AtpOptionsSerializer):
    requests = AtpQuerySerializer(many=True, allow_empty=False, max_length=MAX_BATCH)  # type: ignore[call-arg]


class SourceSerializer(serializers.Serializer[Any]):
    warehouse = serializers.IntegerField(source="warehouse_id")
    warehouse_code = serializers.CharField()
    quantity = quantity_field()


class BucketSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    supply = quantity_field()
    demand = quantity_field()
    atp = quantity_field()
    cumulative_supply = quantity_field()
    cumulative_demand = quantity_field()
    cumulative_atp = quantity_field()


class WarehouseBucketsSerializer(serializers.Serializer[Any]):
    warehouse = serializers.IntegerField()
    promisable = quantity_field()
    buckets = BucketSerializer(many=True, required=False)


class AtpAnswerSerializer(serializers.Serializer[Any]):
    product = serializers.IntegerField(source="product.id")
    sku = serializers.CharField(source="product.sku")
    quantity = quantity_field()
    promise_date = serializers.DateField(allow_null=True)
    basis = serializers.ChoiceField(choices=["atp", "lead_time", "none"])
    sources = SourceSerializer(many=True)
    confidence = serializers.FloatField()
    breakdown = serializers.DictField(help_text="What the confidence is made of.")
    warehouses = serializers.SerializerMethodField()

    def get_warehouses(self, answer: AtpAnswer) -> list[dict[str, Any]]:
        rows = []
        for warehouse, promisable in answer.promisable.items():
            row: dict[str, Any] = {"warehouse": warehouse, "promisable": promisable}
            if answer.buckets is not None:
                row["buckets"] = answer.buckets[warehouse]
            rows.append(row)
        return WarehouseBucketsSerializer(rows, many=True).data  # type: ignore[return-value]


def _answer(requests: list[dict[str, Any]], options: dict[str, Any]) -> list[AtpAnswer]:
    return available_to_promise(
        [
            AtpRequest(r["product"], r["quantity"], tuple(r["warehouse"]) if r.get("warehouse") else None)
            for r in requests
        ],
        horizon_days=options.get("horizon_days"),
        with_buckets=options["buckets"],
    )


class AtpView(NexusAPIView):
    """When a quantity can be promised, from where and how surely; one product or a batch."""

    permission_classes = [CanViewPromises]

    @extend_schema(
        summary="Available to promise for one product",
        parameters=[AtpGetSerializer, OpenApiParameter("warehouse", int, many=True)],
        responses={200: AtpAnswerSerializer},
        tags=TAG,
    )
    def get(self, request: Request) -> Response:
        query = AtpGetSerializer(
            data={**request.query_params.dict(), "warehouse": request.query_params.getlist("warehouse")}
        )
        query.is_valid(raise_exception=True)
        answers = _answer([query.validated_data], query.validated_data)
        if not answers:
            return Response(
                {"code": "not_found", "detail": "No such product."}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(AtpAnswerSerializer(answers[0]).data)

    @extend_schema(
        summary="Available to promise for many products at once",
        request=AtpBatchSerializer,
        responses={200: AtpAnswerSerializer(many=True)},
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        body = AtpBatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answers = _answer(body.validated_data["requests"], body.validated_data)
        return Response(AtpAnswerSerializer(answers, many=True).data)


class PromiseSerializer(TransitionsSerializerMixin, serializers.ModelSerializer[Promise]):
    class Meta:
        model = Promise
        fields = [
            "id",
            "sales_line",
            "order_number",
            "product",
            "warehouse",
            "quantity",
            "reserved_quantity",
            "promised_date",
            "kind",
            "status",
            "expires_at",
            "basis",
            "confidence",
            "created_at",
        ]
        read_only_fields = fields


class NewPromiseSerializer(serializers.Serializer[Any]):
    sales_line = serializers.IntegerField(min_value=1)
    quantity = quantity_field(min_value=Decimal("0.0001"))


class PromiseViewSet(TransitionActionsMixin, mixins.CreateModelMixin, NexusReadOnlyModelViewSet):
    """Promises of future supply to sales-order lines: make one, list them, ``release`` one."""

    queryset = Promise.objects.order_by("-id")
    serializer_class = PromiseSerializer
    transition_names = ["release"]
    filterset_fields = ["status", "kind", "product", "warehouse", "sales_line"]
    ordering_fields = ["promised_date", "id"]

    @extend_schema(request=NewPromiseSerializer, responses={201: PromiseSerializer}, tags=TAG)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = NewPromiseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = promises.promise(
            body.validated_data["sales_line"], body.validated_data["quantity"], actor=request.user
        )
        return Response(self.get_serializer(made).data, status=status.HTTP_201_CREATED)
