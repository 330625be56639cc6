"""A small API over the example models, to exercise the API kernel in tests."""

from rest_framework import serializers

from nexus.core.api.base import NexusModelViewSet
from nexus.core.api.serializers import TenantModelSerializer
from nexus.core.api.transitions import (
    TransitionActionsMixin,
    TransitionInputSerializer,
    TransitionsSerializerMixin,
)
from tests.kernel_example.models import Gadget, GadgetKind


class GadgetKindSerializer(TenantModelSerializer):
    class Meta:
        model = GadgetKind
        fields = ["id", "name"]


class GadgetSerializer(TransitionsSerializerMixin, TenantModelSerializer):
    kind_name = serializers.CharField(source="kind.name", read_only=True, default=None)

    class Meta:
        model = Gadget
        fields = ["id", "name", "kind", "kind_name", "quantity", "status"]
        read_only_fields = ["status"]


class GadgetKindViewSet(NexusModelViewSet):
    queryset = GadgetKind.objects.order_by("name", "id")
    serializer_class = GadgetKindSerializer
    search_fields = ["name"]
    ordering_fields = ["name", "id"]


class GadgetArchiveInput(TransitionInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class GadgetViewSet(TransitionActionsMixin, NexusModelViewSet):
    queryset = Gadget.objects.select_related("kind").order_by("id")
    serializer_class = GadgetSerializer
    filterset_fields = ["status", "kind"]
    search_fields = ["name"]
    ordering_fields = ["name", "quantity", "id"]
    transition_serializers = {"archive": GadgetArchiveInput}
