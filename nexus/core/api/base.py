"""API base classes: every view resolves its tenant right after DRF authentication.

Middleware cannot select the tenant for the API, because DRF authenticates tokens inside the
view. So the base view does it in ``initial()``: as soon as the user is known, the resolver
named by ``settings.NEXUS_TENANT_RESOLVER`` turns the ``X-Tenant`` header (or the session's
selected tenant) into a tenant, refusing one the caller may not act in, and the scope is
activated for the rest of the request. It is restored when the response is done.

Views that serve tenant data (the default) answer 400 ``tenant_required`` to an authenticated
caller who named no tenant; views of global resources (``/me/``, ``/auth/...``) set
``tenant_required = False``.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import Token
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.module_loading import import_string
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from nexus.core import scope
from nexus.core.editing import lock_row
from nexus.core.errors import TenantRequired

from .idempotency import IdempotencyKeySchema, IdempotentPostMixin
from .permissions import TenantModelPermissions

# Takes the authenticated request; returns the tenant it names (None when it names none) or
# raises a ``NexusError`` (403 ``tenant_forbidden``) for a tenant the caller may not act in.
TenantResolver = Callable[[Request], Model | None]


def tenant_resolver() -> TenantResolver:
    """The resolver named in ``settings.NEXUS_TENANT_RESOLVER`` (the kernel imports no domain)."""
    resolver: TenantResolver = import_string(settings.NEXUS_TENANT_RESOLVER)
    return resolver


TENANT_PARAMETER = OpenApiParameter(
    "X-Tenant",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Slug of the tenant to act in; without it, the tenant selected in the session. "
        "403 `tenant_forbidden` without an active membership there or for a suspended tenant; "
        "400 `tenant_required` when no tenant is named at all."
    ),
)


class TenantSchema(AutoSchema):
    """Document the ``X-Tenant`` header on every operation of a view that needs a tenant."""

    def get_override_parameters(self) -> list[Any]:
        parameters: list[Any] = list(super().get_override_parameters())
        if getattr(self.view, "tenant_required", False):
            parameters.append(TENANT_PARAMETER)
        return parameters


class NexusSchema(IdempotencyKeySchema, TenantSchema):
    """Document the kernel's request headers: ``X-Tenant`` and, on POSTs, ``Idempotency-Key``."""


class TenantResolvingMixin:
    """Resolve and activate the request's tenant right after authentication; restore it after."""

    schema: ViewInspector | None = NexusSchema()

    #: Answer 400 ``tenant_required`` when an authenticated caller names no tenant.
    tenant_required: bool = True
    #: The tenant of this request (None when it names none); set in ``initial()``.
    tenant: Model | None = None

    _scope_token: Token[scope.Scope] | None = None

    def perform_authentication(self, request: Request) -> None:
        # DRF's initial() authenticates here, then checks permissions and throttles, which
        # need the tenant (permissions are answered from the role in the tenant).
        super().perform_authentication(request)  # type: ignore[misc]
        self.resolve_tenant(request)

    def resolve_tenant(self, request: Request) -> None:
        if not request.user or not request.user.is_authenticated:
            return  # the permission check answers 401; nothing tenant-scoped runs
        resolved = tenant_resolver()(request)
        self.tenant = resolved
        request._request.tenant = resolved  # type: ignore[attr-defined]
        if resolved is None:
            if self.tenant_required:
                raise TenantRequired()
            return
        self._scope_token = scope.activate(scope.Scope(tenant_id=resolved.pk))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self._scope_token = None
        try:
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if isinstance(response, Response) and not response.is_rendered:
                # Render while the tenant is still active: the browsable API evaluates
                # tenant-scoped querysets (related-field choices) when it renders its forms.
                response.render()
            return response
        finally:
            if self._scope_token is not None:
                scope.restore(self._scope_token)
                self._scope_token = None


class NexusAPIView(TenantResolvingMixin, IdempotentPostMixin, APIView):
    """An API view in the tenant named by the request; its POSTs honour ``Idempotency-Key``."""


class NexusGenericViewSet(TenantResolvingMixin, IdempotentPostMixin, viewsets.GenericViewSet):
    """A viewset over a tenant's rows; permissions come from the caller's role in the tenant."""

    permission_classes = [TenantModelPermissions]


class NexusReadOnlyModelViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, NexusGenericViewSet):
    """List and retrieve a tenant's rows."""


class NexusModelViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    NexusGenericViewSet,
):
    """Create, list, retrieve, update and delete a tenant's rows.

    Each write runs in its own transaction (a savepoint inside an outer one), so a refused
    write (say, a unique conflict answered 409) leaves the connection usable. An update or a
    delete holds the row ``FOR UPDATE`` from before it reads it until it commits: ``get_object``
    returns the locked row, checked by ``check_writable`` under the lock, so nothing (a
    transition, another edit) can change it between the check and the write.
    """

    _locks_row = False

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic(), self._locking_row():
            return super().update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic(), self._locking_row():
            return super().destroy(request, *args, **kwargs)

    @contextmanager
    def _locking_row(self) -> Iterator[None]:
        self._locks_row = True
        try:
            yield
        finally:
            self._locks_row = False

    def get_object(self) -> Any:
        """The row of the URL; inside an update or delete, read again under its lock and checked."""
        instance = super().get_object()
        if not self._locks_row:
            return instance
        locked = lock_row(type(instance), instance.pk)
        if locked is None:
            raise Http404
        self.check_writable(locked)
        return locked

    def check_writable(self, instance: Any) -> None:
        """Refuse (raise) a change of ``instance`` its state does not allow; checked under the lock."""

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        with transaction.atomic():
            super().perform_create(serializer)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        with transaction.atomic():
            super().perform_update(serializer)

    def perform_destroy(self, instance: Any) -> None:
        with transaction.atomic():
            super().perform_destroy(instance)
