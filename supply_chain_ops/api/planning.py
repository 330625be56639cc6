"""``/api/v1/replenishment-runs/``, ``/replenishment-lines/``, ``/balancing-runs/``, ``/balancing-lines/``.

A run is started by ``POST`` on its list (``run_*`` permission; 409 ``planning_in_progress``
while another run of the tenant is computing; ``Idempotency-Key`` makes a retry return the
same run). A replenishment run's lines are decided in bulk (``approve-lines``,
``reject-lines``) while it is proposed; the run is then approved and released (release makes
requisitions: a recent second factor, as in the admin). A balancing run is approved, which
approves its draft transfers. Lines are their own lists, filterable by run: a run may have
thousands.
"""

from typing import Any

from django.db.models import Count, Q, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.api.base import NexusReadOnlyModelViewSet
from nexus.core.api.permissions import TenantModelPermissions
from nexus.core.api.transitions import (
    ERROR_BODY,
    AvailableTransitionsField,
    TransitionActionPermissions,
    TransitionActionsMixin,
    TransitionsSerializerMixin,
)
from nexus.core.stepup import RequiresRecentMfa
from supply_chain_ops.models import (
    BalancingLine,
    BalancingRun,
    Decision,
    ReplenishmentLine,
    ReplenishmentRun,
)
from supply_chain_ops.models.replenishment import EXPLAINED_FIGURES
from supply_chain_ops.workflows import balancing, replenishment

#: Transitions that create documents for others to act on: a recent second factor is required.
STEP_UP_TRANSITIONS = ("release",)
START_ERRORS = {
    403: OpenApiResponse(ERROR_BODY, description="Not permitted to start a run."),
    409: OpenApiResponse(
        ERROR_BODY, description="planning_in_progress: another run of the tenant is being computed."
    ),
}


class OfferedTransitionsField(AvailableTransitionsField):
    """The transitions available now that the API offers (proposing and superseding belong to the
    runs themselves)."""

    def __init__(self, offered: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offered = offered

    def to_representation(self, instance: Any) -> list[dict[str, Any]]:
        return [t for t in super().to_representation(instance) if t["name"] in self.offered]


REPLENISHMENT_STEPS = ("approve", "release")
BALANCING_STEPS = ("approve",)


class AnnotatedRunMixin:
    """Serialise a run as the queryset annotates it (with its line counts), also where the kernel
    answers a transition with the bare instance."""

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if (
            args
            and isinstance(args[0], ReplenishmentRun | BalancingRun)
            and not hasattr(args[0], "line_count")
        ):
            args = (self.get_queryset().get(pk=args[0].pk), *args[1:])  # type: ignore[attr-defined]
        return super().get_serializer(*args, **kwargs)  # type: ignore[misc]


class StartRunPermissions(TenantModelPermissions):
    """Starting a run (``POST`` on the list) needs the model's ``run_*`` permission, not ``add``."""

    perms_map = {**TenantModelPermissions.perms_map, "POST": ["%(app_label)s.run_%(model_name)s"]}


class ReplenishmentLineSerializer(serializers.ModelSerializer[ReplenishmentLine]):
    class Meta:
        model = ReplenishmentLine
        fields = [
            "id",
            "run",
            "product",
            "sku",
            "warehouse",
            "kind",
            "decision",
            "quantity",
            "vendor",
            "source_warehouse",
            "transfer_order",
            "requisition",
            "explanation",
            *EXPLAINED_FIGURES,
        ]
        read_only_fields = fields


class ReplenishmentLineDetailSerializer(ReplenishmentLineSerializer):
    """A line with its chart: recent daily history, the forecast and the reorder point."""

    class Meta(ReplenishmentLineSerializer.Meta):
        fields = [*ReplenishmentLineSerializer.Meta.fields, "chart"]
        read_only_fields = fields


class ReplenishmentRunSerializer(TransitionsSerializerMixin, serializers.ModelSerializer[ReplenishmentRun]):
    available_transitions = OfferedTransitionsField(REPLENISHMENT_STEPS)
    line_count = serializers.IntegerField(read_only=True, help_text="Suggestion lines of the run.")
    purchase_lines = serializers.IntegerField(read_only=True)
    transfer_lines = serializers.IntegerField(read_only=True)
    pending_lines = serializers.IntegerField(read_only=True)
    approved_lines = serializers.IntegerField(read_only=True)
    rejected_lines = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReplenishmentRun
        fields = [
            "id",
            "number",
            "status",
            "trigger",
            "history_start",
            "history_end",
            "series_count",
            "settings",
            "superseded_by",
            "line_count",
            "purchase_lines",
            "transfer_lines",
            "pending_lines",
            "approved_lines",
            "rejected_lines",
            "finished_at",
            "released_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LineDecisionSerializer(serializers.Serializer[Any]):
    lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=10_000,
        help_text="Ids of lines of this run.",
    )


def _run_counts(queryset: QuerySet[ReplenishmentRun]) -> QuerySet[ReplenishmentRun]:
    return queryset.annotate(
        line_count=Count("lines"),
        purchase_lines=Count("lines", filter=Q(lines__kind="purchase")),
        transfer_lines=Count("lines", filter=Q(lines__kind="transfer")),
        pending_lines=Count("lines", filter=Q(lines__decision=Decision.PENDING)),
        approved_lines=Count("lines", filter=Q(lines__decision=Decision.APPROVED)),
        rejected_lines=Count("lines", filter=Q(lines__decision=Decision.REJECTED)),
    )


class ReplenishmentRunViewSet(AnnotatedRunMixin, TransitionActionsMixin, NexusReadOnlyModelViewSet):
    """Replenishment runs: start one, decide its lines, then ``approve`` and ``release`` it."""

    queryset = ReplenishmentRun.objects.order_by("-id")
    serializer_class = ReplenishmentRunSerializer
    transition_names = REPLENISHMENT_STEPS
    filterset_fields = ["status", "trigger"]
    search_fields = ["number"]
    ordering_fields = ["id", "number", "created_at"]

    def get_queryset(self) -> QuerySet[ReplenishmentRun]:
        return _run_counts(super().get_queryset())

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [StartRunPermissions()]
        permissions = super().get_permissions()
        if self.action in STEP_UP_TRANSITIONS:
            permissions.append(RequiresRecentMfa())
        return permissions

    def _answer(self, run: ReplenishmentRun, code: int = status.HTTP_200_OK) -> Response:
        """The run as it is now (its line counts read again)."""
        return Response(self.get_serializer(self.get_queryset().get(pk=run.pk)).data, status=code)

    @extend_schema(
        request=None,
        responses={201: ReplenishmentRunSerializer, **START_ERRORS},
        summary="Start a replenishment run now",
        description="Plan every product and warehouse now; the previous unreleased run is superseded. "
        "Answers with the proposed run. Needs `run_replenishmentrun`.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        run = replenishment.run_replenishment(actor=request.user, wait=False)
        return self._answer(run, status.HTTP_201_CREATED)

    @extend_schema(request=LineDecisionSerializer, responses={200: ReplenishmentRunSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="approve-lines",
        url_name="approve-lines",
        permission_classes=[TransitionActionPermissions],
    )
    def approve_lines(self, request: Request, pk: str | None = None) -> Response:
        """Approve lines of a proposed run (409 once it is approved or later)."""
        return self._decide(request, Decision.APPROVED)

    @extend_schema(request=LineDecisionSerializer, responses={200: ReplenishmentRunSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="reject-lines",
        url_name="reject-lines",
        permission_classes=[TransitionActionPermissions],
    )
    def reject_lines(self, request: Request, pk: str | None = None) -> Response:
        """Reject lines of a proposed run (409 once it is approved or later)."""
        return self._decide(request, Decision.REJECTED)

    def _decide(self, request: Request, decision: Decision) -> Response:
        run = self.get_object()
        body = LineDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        replenishment.decide(run.pk, body.validated_data["lines"], decision, actor=request.user)
        return self._answer(run)


class ReplenishmentLineViewSet(NexusReadOnlyModelViewSet):
    """The suggestions of replenishment runs, each with its explanation (filter by ``run``)."""

    queryset = ReplenishmentLine.objects.order_by("-run_id", "sku", "id")
    serializer_class = ReplenishmentLineSerializer
    filterset_fields = ["run", "kind", "decision", "warehouse", "product", "vendor", "method"]
    search_fields = ["sku"]
    ordering_fields = ["id", "sku", "quantity", "position"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ReplenishmentLineDetailSerializer if self.action == "retrieve" else ReplenishmentLineSerializer


class BalancingRunSerializer(TransitionsSerializerMixin, serializers.ModelSerializer[BalancingRun]):
    available_transitions = OfferedTransitionsField(BALANCING_STEPS)
    line_count = serializers.IntegerField(read_only=True, help_text="Proposed moves of the run.")
    transfer_orders = serializers.SerializerMethodField(help_text="The draft transfer orders it proposes.")

    class Meta:
        model = BalancingRun
        fields = [
            "id",
            "number",
            "status",
            "distance_limit_km",
            "superseded_by",
            "line_count",
            "transfer_orders",
            "finished_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_transfer_orders(self, run: BalancingRun) -> list[int]:
        return sorted({line.transfer_order_id for line in run.lines.all() if line.transfer_order_id})


class BalancingLineSerializer(serializers.ModelSerializer[BalancingLine]):
    class Meta:
        model = BalancingLine
        fields = [
            "id",
            "run",
            "product",
            "sku",
            "source_warehouse",
            "destination_warehouse",
            "quantity",
            "distance_km",
            "transfer_order",
            "explanation",
        ]
        read_only_fields = fields


class BalancingRunViewSet(AnnotatedRunMixin, TransitionActionsMixin, NexusReadOnlyModelViewSet):
    """Balancing runs: start one, then ``approve`` it (its draft transfers are approved)."""

    queryset = BalancingRun.objects.order_by("-id")
    serializer_class = BalancingRunSerializer
    transition_names = BALANCING_STEPS
    filterset_fields = ["status"]
    search_fields = ["number"]
    ordering_fields = ["id", "number", "created_at"]

    def get_queryset(self) -> QuerySet[BalancingRun]:
        return super().get_queryset().annotate(line_count=Count("lines")).prefetch_related("lines")

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [StartRunPermissions()]
        return super().get_permissions()

    @extend_schema(
        request=None,
        responses={201: BalancingRunSerializer, **START_ERRORS},
        summary="Start a balancing run now",
        description="Match every product's warehouses below their reorder point to those above their "
        "order-up-to level as draft transfers; the previous proposed run is superseded. Answers with "
        "the proposed run. Needs `run_balancingrun`.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        run = balancing.run_balancing(actor=request.user, wait=False)
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)


class BalancingLineViewSet(NexusReadOnlyModelViewSet):
    """The moves balancing runs proposed, each with its explanation (filter by ``run``)."""

    queryset = BalancingLine.objects.order_by("-run_id", "sku", "id")
    serializer_class = BalancingLineSerializer
    filterset_fields = ["run", "product", "source_warehouse", "destination_warehouse", "transfer_order"]
    search_fields = ["sku"]
    ordering_fields = ["id", "sku", "quantity", "distance_km"]
