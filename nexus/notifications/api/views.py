"""The caller's in-app notifications. Personal, so no tenant is needed (or used to filter)."""

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.accounts.api.auth_permissions import IsPlatformOperator
from nexus.accounts.models import User
from nexus.core.api.base import NexusGenericViewSet
from nexus.core.api.permissions import IsPerson
from nexus.core.api.transitions import ERROR_BODY
from nexus.core.errors import NotFound, PermissionDenied
from nexus.core.models.refs import ActorRef
from nexus.notifications import services
from nexus.notifications.models import Notification

from .serializers import MarkedReadSerializer, NotificationSerializer, ResentSerializer, UnreadCountSerializer


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at",
        lookup_expr="isnull",
        label="true: only unread notifications; false: only read ones.",
    )

    class Meta:
        model = Notification
        fields = ["unread", "template"]


def _person(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # IsPerson has refused anyone else already
        raise PermissionDenied()
    return user


@extend_schema_view(
    list=extend_schema(summary="List your in-app notifications", tags=["notifications"]),
    retrieve=extend_schema(summary="Show one of your in-app notifications", tags=["notifications"]),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, NexusGenericViewSet):
    """Your in-app notifications, newest first; anyone else's answer 404."""

    tenant_required = False
    # Every person may read their own notifications, whatever their role in any tenant; a
    # service token has none.
    permission_classes = [IsPerson]
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    lookup_value_regex = r"[0-9]+"
    ordering_fields = ["created_at", "read_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: there is no caller
            return Notification.objects.none()
        return services.inbox(_person(self.request)).select_related("tenant")

    @extend_schema(
        summary="Mark one of your notifications read",
        request=None,
        responses=NotificationSerializer,
        tags=["notifications"],
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        services.mark_read(_person(request), [notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all your notifications read",
        request=None,
        responses=MarkedReadSerializer,
        tags=["notifications"],
    )
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[], pagination_class=None)
    def read_all(self, request: Request) -> Response:
        person = _person(request)
        changed = services.mark_all_read(person)
        return Response({"marked_read": changed, "unread_count": services.unread_count(person)})

    @extend_schema(
        summary="Count your unread notifications",
        responses=UnreadCountSerializer,
        tags=["notifications"],
    )
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[], pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"unread_count": services.unread_count(_person(request))})

    @extend_schema(
        summary="Re-send a failed notification (platform operators, as in the admin)",
        request=None,
        responses={
            200: ResentSerializer,
            403: OpenApiResponse(ERROR_BODY, description="Not a platform operator."),
            404: OpenApiResponse(ERROR_BODY),
            409: OpenApiResponse(ERROR_BODY, description="The notification has not failed."),
        },
        tags=["notifications"],
    )
    @action(detail=True, methods=["post"], permission_classes=[IsPlatformOperator], filter_backends=[])
    def resend(self, request: Request, pk: str) -> Response:
        """Anyone's failed notification, not only the caller's: the admin's re-send, over the API."""
        notification = Notification.objects.filter(pk=pk).first()
        if notification is None:
            raise NotFound("No such notification.")
        resent = services.resend(notification, actor=ActorRef.for_user(request.user))
        return Response(ResentSerializer(resent).data)
