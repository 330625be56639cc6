"""``/api/v1/exchange-rates/``: the tenant's dated rates (list, filter, create, change; audited)."""

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from nexus.core.exchange_rates import own_currency_message
from nexus.core.models import Currency, ExchangeRate
from nexus.core.models.exchange_rates import RATE_NOT_POSITIVE
from nexus.core.scope import require_tenant_id
from nexus.core.tenants import tenant_currency

from .audited import AuditedModelMixin
from .base import NexusModelViewSet
from .serializers import TenantModelSerializer

TAGS = ["exchange rates"]


class ExchangeRateSerializer(TenantModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "date", "rate", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"rate": {"error_messages": {"min_value": RATE_NOT_POSITIVE}}}
        validators = [
            UniqueTogetherValidator(
                queryset=ExchangeRate.objects.all(),  # the current tenant's, when evaluated
                fields=["currency", "date"],
                message="There is already a rate for this currency on this day; change that one.",
            )
        ]

    def validate_currency(self, currency: Currency) -> Currency:
        refusal = own_currency_message(currency.code, tenant_currency(require_tenant_id()))
        if refusal:
            raise serializers.ValidationError(refusal)
        return currency


class ExchangeRateFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text="On or after this day."
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text="On or before this day."
    )

    class Meta:
        model = ExchangeRate
        fields = ["currency", "date", "date_from", "date_to"]


def _schema(summary: str, **extra: Any) -> Any:
    return extend_schema(summary=summary, tags=TAGS, **extra)


@extend_schema_view(
    list=_schema("List exchange rates"),
    retrieve=_schema("Show an exchange rate"),
    create=_schema(
        "Add an exchange rate",
        description="400 for the tenant's own currency or a currency and day that already have a rate.",
    ),
    update=_schema("Replace an exchange rate"),
    partial_update=_schema("Change an exchange rate"),
    destroy=_schema("Delete an exchange rate"),
)
class ExchangeRateViewSet(AuditedModelMixin, NexusModelViewSet):
    """Per foreign currency and day, the units of the tenant's currency one unit buys; edits are audited."""

    queryset = ExchangeRate.objects.order_by("-date", "currency_id", "id")
    serializer_class = ExchangeRateSerializer
    filterset_class = ExchangeRateFilter
    search_fields = ["currency__code", "currency__name"]
    ordering_fields = ["date", "currency", "rate", "updated_at"]
