"""People's accounts (platform operators), and the caller's own account (``/me/``)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from identity_ops.wiring import membership_model, user_model
from identity_ops.workflows.lifecycle import PERSON_TRANSITIONS, move_person
from nexus.core.api.base import NexusAPIView, NexusGenericViewSet
from nexus.core.api.permissions import IsPerson
from nexus.core.api.transitions import ERROR_BODY, TransitionActionsMixin

from .permissions import PlatformOperators
from .serializers import DeactivateSelfSerializer, MeSerializer, UserSerializer

User = user_model()


@extend_schema_view(
    list=extend_schema(summary="List people's accounts (platform operators)", tags=["users"]),
    retrieve=extend_schema(summary="Show one account (platform operators)", tags=["users"]),
)
class UserViewSet(
    TransitionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, NexusGenericViewSet
):
    """Accounts across the platform: activate, suspend, reinstate, deactivate, reactivate.

    Suspending or deactivating ends every session and token of the person at once.
    """

    tenant_required = False
    queryset = User._default_manager.order_by("email", "id")
    serializer_class = UserSerializer
    permission_classes = [PlatformOperators]
    transition_names = PERSON_TRANSITIONS
    filterset_fields = ["status", "is_platform_operator"]
    search_fields = ["email", "full_name"]
    ordering_fields = ["email", "date_joined", "last_login"]

    def get_permissions(self) -> list[Any]:
        return [PlatformOperators()]


class MeView(NexusAPIView):
    """The caller: account, memberships with roles, and permissions in the request's tenant."""

    tenant_required = False
    permission_classes = [IsPerson]

    @extend_schema(summary="Describe the caller", responses=MeSerializer, tags=["me"])
    def get(self, request: Request) -> Response:
        user: Any = request.user
        memberships: QuerySet[Any] = (
            membership_model()
            ._default_manager.filter(user_id=user.pk)
            .select_related("tenant")
            .order_by("tenant__name", "tenant_id")
        )
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "status": user.status,
            "is_platform_operator": user.is_platform_operator,
            "email_verified_at": user.email_verified_at,
            "date_joined": user.date_joined,
            "memberships": list(memberships),
            "current_tenant": getattr(self.tenant, "slug", None),
            "permissions": sorted(user.get_all_permissions()) if self.tenant is not None else [],
        }
        return Response(MeSerializer(data).data)


class DeactivateMeView(NexusAPIView):
    """Close the caller's own account: every session and token ends, this one included."""

    tenant_required = False
    permission_classes = [IsPerson]

    @extend_schema(
        summary="Close your account",
        request=DeactivateSelfSerializer,
        responses={204: None, 400: OpenApiResponse(ERROR_BODY), 409: OpenApiResponse(ERROR_BODY)},
        tags=["me"],
    )
    def post(self, request: Request) -> Response:
        body = DeactivateSelfSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user: Any = request.user
        move_person(user.pk, "deactivate", actor=user, reason=body.validated_data["reason"])
        return Response(status=204)
