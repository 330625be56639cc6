"""``/api/v1/audit-events/``: the current tenant's audit events, read-only, with the seal lag.

Tenant staff read their tenant's chain here (the ``core.view_auditevent`` permission of their
role); the chains of other tenants and the global chain are for platform operators, in the admin.
"""

from typing import Any

import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.audit.sealer import seal_lag
from nexus.core.models import ActorKind, AuditEvent
from nexus.core.scope import require_tenant_id

from .base import NexusReadOnlyModelViewSet

# Documented shapes of the nested actor and object references (built from dicts: ``label``
# and ``id`` are also attributes of DRF's Field, so they cannot be declared as class fields).
ACTOR_SCHEMA = inline_serializer(
    "AuditActor",
    fields={
        "kind": serializers.ChoiceField(choices=ActorKind.choices),
        "id": serializers.CharField(help_text="The user's or token's id; empty for the system."),
        "label": serializers.CharField(help_text="What the actor was called when the event happened."),
    },
)
OBJECT_SCHEMA = inline_serializer(
    "AuditObject",
    fields={
        "type": serializers.CharField(help_text='"app_label.model", e.g. "inventory.product".'),
        "id": serializers.CharField(),
        "label": serializers.CharField(help_text="What the object was called when the event happened."),
    },
    allow_null=True,
)


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.SerializerMethodField()
    object = serializers.SerializerMethodField()
    sealed = serializers.SerializerMethodField(help_text="Whether the sealer has chained the event yet.")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "action",
            "actor",
            "object",
            "data",
            "personal",
            "request_id",
            "sealed",
            "sequence",
            "prev_hash",
            "hash",
            "sealed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ACTOR_SCHEMA)
    def get_actor(self, event: AuditEvent) -> dict[str, str]:
        return {"kind": event.actor_kind, "id": event.actor_id, "label": event.actor_label}

    @extend_schema_field(OBJECT_SCHEMA)
    def get_object(self, event: AuditEvent) -> dict[str, str] | None:
        if not event.object_type:
            return None
        return {"type": event.object_type, "id": event.object_id, "label": event.object_label}

    def get_sealed(self, event: AuditEvent) -> bool:
        return event.sealed_at is not None


class SealLagSerializer(serializers.Serializer[Any]):
    unsealed = serializers.IntegerField(help_text="Committed events the sealer has not chained yet.")
    oldest_unsealed_at = serializers.DateTimeField(allow_null=True)
    lag_seconds = serializers.FloatField(help_text="Age of the oldest unsealed event (0 when none).")


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(help_text="Exact action, e.g. gadget.approved.")
    action_prefix = django_filters.CharFilter(
        field_name="action", lookup_expr="startswith", help_text="Actions starting with this, e.g. gadget."
    )
    actor_kind = django_filters.ChoiceFilter(choices=ActorKind.choices)
    actor_id = django_filters.CharFilter()
    object_type = django_filters.CharFilter(help_text='"app_label.model", e.g. kernel_example.gadget.')
    object_id = django_filters.CharFilter()
    request_id = django_filters.CharFilter()
    occurred_after = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", help_text="At or after this time (ISO 8601)."
    )
    occurred_before = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", help_text="Strictly before this time (ISO 8601)."
    )
    sealed = django_filters.BooleanFilter(
        field_name="sealed_at", lookup_expr="isnull", exclude=True, help_text="true: only sealed events."
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List the tenant's audit events", tags=["audit"]),
    retrieve=extend_schema(summary="Show one audit event", tags=["audit"]),
)
class AuditEventViewSet(NexusReadOnlyModelViewSet):
    """The current tenant's audit trail, newest first. Nothing here can be changed or deleted."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    ordering_fields = ["occurred_at", "id", "sequence"]
    ordering = ["-occurred_at", "-id"]

    @extend_schema(
        summary="How far the sealer is behind on this tenant's chain",
        tags=["audit"],
        responses=SealLagSerializer,
        parameters=[OpenApiParameter("page", exclude=True), OpenApiParameter("page_size", exclude=True)],
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="seal-lag", pagination_class=None, filterset_class=None)
    def seal_lag(self, request: Request) -> Response:
        return Response(SealLagSerializer(seal_lag([require_tenant_id()]).as_dict()).data)
