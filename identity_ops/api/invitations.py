"""Invitations of the request's tenant: list, invite, revoke (a transition), send again."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from identity_ops.models import Invitation
from identity_ops.wiring import access
from identity_ops.workflows.invitations import INVITATION_TRANSITIONS, invite, resend_invitation
from nexus.core.api.base import NexusGenericViewSet
from nexus.core.api.transitions import ERROR_BODY, TransitionActionsMixin

from .permissions import ManagesMembers
from .serializers import InvitationSerializer, InviteSerializer


@extend_schema_view(
    list=extend_schema(summary="List the tenant's invitations", tags=["invitations"]),
    retrieve=extend_schema(summary="Show one invitation", tags=["invitations"]),
)
class InvitationViewSet(
    TransitionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, NexusGenericViewSet
):
    """Invitations into the request's tenant (its administrators; managers may read them)."""

    queryset = Invitation.objects.select_related("invited_by").order_by("-created_at", "-id")
    serializer_class = InvitationSerializer
    permission_classes = [ManagesMembers]
    transition_names = INVITATION_TRANSITIONS
    filterset_fields = ["status", "role"]
    search_fields = ["email", "full_name"]
    ordering_fields = ["created_at", "expires_at", "email"]

    def get_permissions(self) -> list[Any]:
        # The transition mixin would swap in model permissions; invitations follow membership rights.
        return [ManagesMembers()]

    @extend_schema(
        summary="Invite someone into the tenant",
        request=InviteSerializer,
        responses={
            201: InvitationSerializer,
            400: OpenApiResponse(ERROR_BODY, description="Bad address or role; already a member or invited."),
            403: OpenApiResponse(ERROR_BODY, description="Not an administrator of the tenant."),
        },
        tags=["invitations"],
    )
    def create(self, request: Request) -> Response:
        body = InviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = invite(
            email=body.validated_data["email"],
            role=body.validated_data["role"],
            full_name=body.validated_data["full_name"],
            actor=request.user,
            client=access().client(request),
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send an invitation again",
        description="A new link and a new period; the earlier link stops working. At most once a minute.",
        request=None,
        responses={
            200: InvitationSerializer,
            409: OpenApiResponse(ERROR_BODY, description="The invitation is not pending."),
            429: OpenApiResponse(ERROR_BODY, description="Sent too recently or too often."),
        },
        tags=["invitations"],
    )
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: str | None = None) -> Response:
        invitation = self.get_object()
        resent = resend_invitation(invitation.pk, actor=request.user)
        return Response(self.get_serializer(resent).data)
