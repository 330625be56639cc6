"""What the inventory API shows and accepts."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from nexus.core.api.serializers import TenantModelSerializer, TenantReferencesMixin
from nexus.core.api.transitions import AvailableTransitionsField, TransitionsSerializerMixin
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
from nexus.inventory.quantities import COST_DIGITS, COST_PLACES, QUANTITY_DIGITS, QUANTITY_PLACES


class ProductSerializer(TenantModelSerializer):
    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "unit",
            "unit_decimals",
            "unit_weight",
            "unit_volume",
            "customs_value",
            "customs_currency",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_sku(self, value: str) -> str:
        """A SKU is unique in the tenant whatever its letter case."""
        sku = value.strip()
        taken = Product.objects.filter(sku__iexact=sku)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("A product with this SKU already exists.")
        return sku

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        value = attrs.get("customs_value", getattr(self.instance, "customs_value", None))
        currency = attrs.get("customs_currency", getattr(self.instance, "customs_currency", None))
        if (value is None) != (currency is None):
            raise serializers.ValidationError(
                {"customs_currency": ["A customs value needs its currency, and a currency needs a value."]}
            )
        return attrs


class LocationSerializer(TenantModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "warehouse", "code", "name", "kind", "active", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        warehouse = attrs.get("warehouse", getattr(self.instance, "warehouse", None))
        code = attrs.get("code", getattr(self.instance, "code", ""))
        taken = Location.objects.filter(warehouse=warehouse, code__iexact=code.strip())
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if warehouse is not None and taken.exists():
            raise serializers.ValidationError(
                {"code": [f"{warehouse.code} already has a location with this code."]}
            )
        return attrs


class WarehouseLocationSerializer(serializers.ModelSerializer[Location]):
    class Meta:
        model = Location
        fields = ["id", "code", "name", "kind", "active"]
        read_only_fields = fields


class WarehouseSerializer(TenantModelSerializer):
    locations = WarehouseLocationSerializer(many=True, read_only=True)

    class Meta:
        model = Warehouse
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "region",
            "country",
            "latitude",
            "longitude",
            "active",
            "cross_docking",
            "locations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_code(self, value: str) -> str:
        code = value.strip()
        taken = Warehouse.objects.filter(code__iexact=code)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("A warehouse with this code already exists.")
        return code

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        latitude = attrs.get("latitude", getattr(self.instance, "latitude", None))
        longitude = attrs.get("longitude", getattr(self.instance, "longitude", None))
        if (latitude is None) != (longitude is None):
            raise serializers.ValidationError(
                {"longitude": ["Give both latitude and longitude, or neither."]}
            )
        return attrs


class StockBalanceSerializer(serializers.ModelSerializer[StockBalance]):
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    warehouse = serializers.IntegerField(source="location.warehouse_id", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)
    location_kind = serializers.CharField(source="location.kind", read_only=True)

    class Meta:
        model = StockBalance
        fields = [
            "id",
            "product",
            "product_sku",
            "warehouse",
            "location",
            "location_code",
            "location_kind",
            "on_hand",
            "value",
            "updated_at",
        ]
        read_only_fields = fields


class StockAvailabilitySerializer(serializers.ModelSerializer[StockAvailability]):
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    free = serializers.DecimalField(
        source="available",
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        read_only=True,
        help_text="Sellable on hand less reserved: what can still be reserved.",
    )

    class Meta:
        model = StockAvailability
        fields = [
            "id",
            "product",
            "product_sku",
            "warehouse",
            "warehouse_code",
            "on_hand_sellable",
            "reserved",
            "free",
            "reserved_staged",
            "on_hand",
            "value",
            "average_unit_cost",
            "updated_at",
        ]
        read_only_fields = fields


class StockMoveSerializer(serializers.ModelSerializer[StockMove]):
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    from_warehouse = serializers.IntegerField(
        source="from_location.warehouse_id", read_only=True, allow_null=True
    )
    to_warehouse = serializers.IntegerField(
        source="to_location.warehouse_id", read_only=True, allow_null=True
    )

    class Meta:
        model = StockMove
        fields = [
            "id",
            "product",
            "product_sku",
            "reason",
            "quantity",
            "from_warehouse",
            "from_location",
            "to_warehouse",
            "to_location",
            "unit_cost",
            "value",
            "document_type",
            "document_id",
            "document_line_id",
            "note",
            "occurred_at",
            "posted_at",
            "actor_kind",
            "actor_id",
            "actor_label",
        ]
        read_only_fields = fields


class AdjustmentSerializer(TenantReferencesMixin, serializers.Serializer[dict[str, Any]]):
    """A stock correction at one location: signed quantity, a reason, a unit cost for increases."""

    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all())
    quantity = serializers.DecimalField(
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        help_text="Positive adds stock, negative removes it.",
    )
    reason = serializers.CharField(
        max_length=2000, help_text="Why the stock is corrected (kept with the move)."
    )
    unit_cost = serializers.DecimalField(
        max_digits=COST_DIGITS,
        decimal_places=COST_PLACES,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
        help_text="For an increase only; omitted, the warehouse's moving average is used.",
    )

    def validate_quantity(self, value: Decimal) -> Decimal:
        if value == 0:
            raise serializers.ValidationError("Enter a change other than zero.")
        return value


class PersonTransitionsField(AvailableTransitionsField):
    """The transitions a person may perform through the API now (confirm, release)."""

    def to_representation(self, instance: Any) -> list[dict[str, Any]]:
        return [t for t in super().to_representation(instance) if t["name"] in PERSON_TRANSITIONS]


class ReservationSerializer(TransitionsSerializerMixin, TenantModelSerializer):
    available_transitions = PersonTransitionsField()
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    open_quantity = serializers.DecimalField(
        max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, read_only=True
    )

    class Meta:
        model = Reservation
        fields = [
            "id",
            "product",
            "product_sku",
            "warehouse",
            "quantity",
            "consumed_quantity",
            "open_quantity",
            "required_date",
            "source_type",
            "source_id",
            "location",
            "state",
            "expires_at",
            "note",
            "actor_label",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "consumed_quantity",
            "location",
            "state",
            "actor_label",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "source_type": {
                "help_text": "What the stock is held for: a registered source type, the app_label.model "
                "of a document line (e.g. sales.salesorderline)."
            },
            "source_id": {"min_value": 1, "help_text": "The source's id; it must exist in this tenant."},
        }
