"""Members of the request's tenant: list, show, change role, suspend, reinstate, remove."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from identity_ops.wiring import membership_model
from identity_ops.workflows.lifecycle import MEMBERSHIP_TRANSITIONS, change_role
from nexus.core.api.base import NexusGenericViewSet
from nexus.core.api.transitions import ERROR_BODY, TransitionActionsMixin
from nexus.core.stepup import RequiresRecentMfa

from .permissions import ManagesMembers
from .serializers import ChangeRoleSerializer, MemberDetailSerializer, MemberSerializer

Membership = membership_model()


class MemberFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(field_name="user__email", lookup_expr="iexact")

    class Meta:
        model = Membership
        fields = ["status", "role", "email"]


@extend_schema_view(
    list=extend_schema(summary="List the tenant's members", tags=["members"]),
    retrieve=extend_schema(summary="Show one member", tags=["members"]),
)
class MemberViewSet(
    TransitionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, NexusGenericViewSet
):
    """The memberships of the request's tenant; another tenant's membership is a 404.

    Reading needs the permission to view memberships (administrators, managers); every change
    needs the administrators' permission to manage them. The tenant always keeps an active
    administrator, and suspending or removing ends the person's sessions in the tenant and tells
    them (the transitions' declared writes).
    """

    queryset = Membership._default_manager.select_related("user").order_by("user__email", "id")
    serializer_class = MemberSerializer
    permission_classes = [ManagesMembers]
    transition_names = MEMBERSHIP_TRANSITIONS
    filterset_class = MemberFilter
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["user__email", "role", "status", "created_at"]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Membership._default_manager.none()
        # Memberships are global rows: the tenant filter is explicit.
        return super().get_queryset().filter(tenant_id=self.tenant.pk if self.tenant else None)

    def get_serializer_class(self) -> Any:
        return MemberSerializer if self.action == "list" else MemberDetailSerializer

    def get_permissions(self) -> list[Any]:
        if self.action == "change_role":
            # Changing a role changes what someone may do: a fresh second factor first (step-up).
            return [ManagesMembers(), RequiresRecentMfa()]
        return [ManagesMembers()]

    @extend_schema(
        summary="Change a member's role",
        request=ChangeRoleSerializer,
        responses={
            200: MemberDetailSerializer,
            400: OpenApiResponse(
                ERROR_BODY, description="Unknown role, or the tenant's last active administrator."
            ),
            403: OpenApiResponse(
                ERROR_BODY,
                description="Not an administrator of the tenant, or mfa_required (step up first).",
            ),
            404: OpenApiResponse(ERROR_BODY, description="No such member in the tenant."),
        },
        tags=["members"],
    )
    @action(detail=True, methods=["post"], url_path="change-role")
    def change_role(self, request: Request, pk: str | None = None) -> Response:
        membership = self.get_object()
        body = ChangeRoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change_role(membership.pk, body.validated_data["role"], actor=request.user)
        return Response(MemberDetailSerializer(self.get_object(), context=self.get_serializer_context()).data)
