"""Registrations of the request's tenant, read-only: who signed up or was invited, and how it ended."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from identity_ops.models import Registration
from nexus.core.api.base import NexusReadOnlyModelViewSet

from .permissions import ManagesMembers
from .serializers import RegistrationSerializer


@extend_schema_view(
    list=extend_schema(summary="List the tenant's registrations", tags=["registrations"]),
    retrieve=extend_schema(summary="Show one registration", tags=["registrations"]),
)
class RegistrationViewSet(NexusReadOnlyModelViewSet):
    queryset = Registration.objects.order_by("-created_at", "-id")
    serializer_class = RegistrationSerializer
    permission_classes = [ManagesMembers]
    filterset_fields = ["status", "source"]
    search_fields = ["email", "full_name"]
    ordering_fields = ["created_at", "expires_at"]
