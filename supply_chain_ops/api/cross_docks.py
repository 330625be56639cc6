"""``/api/v1/cross-docks/``: what each receipt staged for which sales order (read-only; the
receipt listener makes them)."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters import rest_framework as filters
from rest_framework import serializers

from nexus.core.api.base import NexusReadOnlyModelViewSet
from supply_chain_ops.models import CrossDock, CrossDockLine
from supply_chain_ops.models.cross_docks import with_goods_waiting

from .transfers import quantity_field


class CrossDockLineSerializer(serializers.ModelSerializer[CrossDockLine]):
    waiting = quantity_field(read_only=True, help_text="Staged, neither shipped nor released yet.")

    class Meta:
        model = CrossDockLine
        fields = [
            "id",
            "sales_order_line",
            "order_number",
            "promised_date",
            "quantity",
            "reservation_id",
            "shipped_quantity",
            "released_quantity",
            "waiting",
        ]
        read_only_fields = fields


class CrossDockSerializer(serializers.ModelSerializer[CrossDock]):
    lines = CrossDockLineSerializer(many=True, read_only=True)

    class Meta:
        model = CrossDock
        fields = [
            "id",
            "number",
            "receipt_move_id",
            "product",
            "sku",
            "unit",
            "warehouse",
            "staging_location",
            "received_quantity",
            "staged_quantity",
            "lines",
            "created_at",
        ]
        read_only_fields = fields


class CrossDockFilter(filters.FilterSet):
    waiting = filters.BooleanFilter(
        method="filter_waiting", help_text="true: only cross-docks whose staged goods still wait to ship."
    )

    class Meta:
        model = CrossDock
        fields = ["product", "warehouse", "receipt_move_id"]

    def filter_waiting(self, queryset: QuerySet[CrossDock], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        waiting = with_goods_waiting(queryset)
        return waiting if value else queryset.exclude(pk__in=waiting.values("pk"))


class CrossDockViewSet(NexusReadOnlyModelViewSet):
    """Cross-docks: receipts' goods staged for waiting sales orders, line by line."""

    queryset = CrossDock.objects.prefetch_related(
        Prefetch("lines", CrossDockLine.objects.order_by("id"))
    ).order_by("-id")
    serializer_class = CrossDockSerializer
    filterset_class = CrossDockFilter
    search_fields = ["number", "sku", "lines__order_number"]
    ordering_fields = ["created_at", "number", "id"]
