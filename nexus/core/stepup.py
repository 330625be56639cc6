"""Step-up: sensitive actions need a multi-factor verification within the last few minutes.

The kernel imports no domain, so it asks a contract — ``MfaRecency``, resolved from
``settings.NEXUS_MFA_RECENCY_PROVIDER`` — when the caller last proved a second factor and how
recent that must be in the request's tenant. Three ways to demand it:

- the DRF permission class ``RequiresRecentMfa`` (403 ``{"code": "mfa_required"}``);
- the view decorator ``@requires_recent_mfa`` (admin and other Django views: a redirect to the
  code prompt named by ``settings.NEXUS_STEP_UP_URL``, and back to the page afterwards);
- ``require_recent_mfa(request)`` inside a handler, for a check that depends on the data
  (approving an RMA only above an amount).

A caller who cannot step up at all (a service token) never satisfies it.
"""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework.permissions import BasePermission

from nexus.core.errors import MfaRequired

DEFAULT_WINDOW = dt.timedelta(minutes=10)


class MfaRecency(Protocol):
    """What step-up needs to know about the caller of a request."""

    def verified_at(self, request: HttpRequest) -> dt.datetime | None:
        """When the caller last proved a second factor; None if never, or if they cannot step up."""

    def window(self, request: HttpRequest) -> dt.timedelta:
        """How recent that proof must be for the request's tenant (default 10 minutes)."""


def recency_provider() -> MfaRecency:
    """The implementation named in ``settings.NEXUS_MFA_RECENCY_PROVIDER`` (a class or factory)."""
    factory = import_string(settings.NEXUS_MFA_RECENCY_PROVIDER)
    return cast(MfaRecency, factory())


def _django_request(request: Any) -> HttpRequest:
    # A DRF Request wraps the Django one; the provider reads the session and the auth from either.
    return cast(HttpRequest, request)


def has_recent_mfa(request: HttpRequest, *, now: dt.datetime | None = None) -> bool:
    """Whether the caller proved a second factor within the tenant's step-up window."""
    provider = recency_provider()
    verified = provider.verified_at(_django_request(request))
    if verified is None:
        return False
    now = now or timezone.now()
    return now - verified <= provider.window(_django_request(request))


def require_recent_mfa(request: HttpRequest) -> None:
    """Raise ``MfaRequired`` (403 ``mfa_required``) unless the caller stepped up recently."""
    if not has_recent_mfa(request):
        raise MfaRequired()


class RequiresRecentMfa(BasePermission):
    """DRF permission: the caller verified a second factor within the step-up window.

    Combine it with the view's other permissions (``[TenantModelPermissions, RequiresRecentMfa]``);
    it raises rather than returning False so that the answer carries ``mfa_required``.
    Unauthenticated callers are left to the other permissions (401).
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        require_recent_mfa(request)
        return True


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def step_up_url(next_url: str) -> str:
    """The code prompt (``settings.NEXUS_STEP_UP_URL``, a URL name) that returns to ``next_url``."""
    return f"{reverse(settings.NEXUS_STEP_UP_URL)}?{urlencode({'next': next_url})}"


def requires_recent_mfa(view: ViewFunc) -> ViewFunc:
    """Decorate a Django view: without a recent verification, send the person to prove a code first.

    The prompt comes back to the same page (``?next=``), with a GET: a POST is not replayed, so
    the person confirms the action again after proving the code.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_recent_mfa(request):
            return HttpResponseRedirect(step_up_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return cast(ViewFunc, wrapped)
