"""Filters of the inventory list endpoints."""

import django_filters
from django.db.models import Q, QuerySet

from nexus.inventory.models import (
    Location,
    MoveReason,
    Product,
    Reservation,
    ReservationState,
    StockAvailability,
    StockBalance,
    StockMove,
    Warehouse,
)


class ProductFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(lookup_expr="iexact", help_text="Exact SKU, any letter case.")

    class Meta:
        model = Product
        fields = ["sku", "active", "unit"]


class WarehouseFilter(django_filters.FilterSet):
    class Meta:
        model = Warehouse
        fields = ["kind", "active", "country", "city"]


class LocationFilter(django_filters.FilterSet):
    class Meta:
        model = Location
        fields = ["warehouse", "kind", "active"]


class StockBalanceFilter(django_filters.FilterSet):
    warehouse = django_filters.NumberFilter(field_name="location__warehouse_id", help_text="Warehouse id.")
    location_kind = django_filters.CharFilter(field_name="location__kind")
    in_stock = django_filters.BooleanFilter(
        method="filter_in_stock", help_text="true: only rows with stock on hand."
    )

    class Meta:
        model = StockBalance
        fields = ["product", "location", "warehouse", "location_kind", "in_stock"]

    def filter_in_stock(
        self, queryset: QuerySet[StockBalance], name: str, value: bool
    ) -> QuerySet[StockBalance]:
        return queryset.filter(on_hand__gt=0) if value else queryset.filter(on_hand=0)


class StockAvailabilityFilter(django_filters.FilterSet):
    class Meta:
        model = StockAvailability
        fields = ["product", "warehouse"]


class StockMoveFilter(django_filters.FilterSet):
    reason = django_filters.MultipleChoiceFilter(choices=MoveReason.choices)
    warehouse = django_filters.NumberFilter(
        method="filter_warehouse", help_text="Moves into or out of this warehouse."
    )
    location = django_filters.NumberFilter(
        method="filter_location", help_text="Moves into or out of this location."
    )
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = StockMove
        fields = ["product", "reason", "document_type", "document_id", "warehouse", "location"]

    def filter_warehouse(self, queryset: QuerySet[StockMove], name: str, value: int) -> QuerySet[StockMove]:
        return queryset.filter(Q(from_location__warehouse_id=value) | Q(to_location__warehouse_id=value))

    def filter_location(self, queryset: QuerySet[StockMove], name: str, value: int) -> QuerySet[StockMove]:
        return queryset.filter(Q(from_location_id=value) | Q(to_location_id=value))


class ReservationFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ReservationState.choices)
    required_from = django_filters.DateFilter(field_name="required_date", lookup_expr="gte")
    required_to = django_filters.DateFilter(field_name="required_date", lookup_expr="lte")

    class Meta:
        model = Reservation
        fields = ["product", "warehouse", "state", "source_type", "source_id"]
