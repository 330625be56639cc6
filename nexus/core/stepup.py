"""Step-up: sensitive actions need a multi-factor verification within the last few minutes.

The kernel imports no domain, so it asks a contract — ``MfaRecency``, resolved from
``settings.NEXUS_MFA_RECENCY_PROVIDER`` — when the caller last proved a second factor and how
recent that must be in the request's tenant. Three ways to demand it:

- the DRF permission class ``RequiresRecentMfa`` (403 ``{"code": "mfa_required"}``);
- the view decorator ``@requires_recent_mfa`` (admin and other Django views: a redirect to the
  code prompt named by ``settings.NEXUS_STEP_UP_URL``, and back to the page afterwards), or
  ``step_up_redirect(request)`` where a view decides for itself;
- ``require_recent_mfa(request)`` inside a handler, for a check that depends on the data
  (approving an RMA only above an amount).

A caller who cannot step up at all (a service token) never satisfies it.

A POST sent back to the prompt is never replayed: the person confirms again after proving the
code. So that they need not type it all again, ``step_up_redirect`` keeps the POST's fields in
the session (keyed by the page, for a few minutes, read once; never the CSRF token, passwords,
codes or secrets, never files), and the page, on the GET that follows the prompt, shows its form
filled in from ``kept_submission(request)`` for the person to check and submit.
"""

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework.permissions import BasePermission

from nexus.core.errors import MfaRequired

DEFAULT_WINDOW = dt.timedelta(minutes=10)
KEPT_SESSION_KEY = "nexus_step_up_kept"
#: How long a submission waits for the person to come back from the prompt.
KEPT_FOR = dt.timedelta(minutes=10)
#: Fields never kept: the CSRF token, and anything secret.
NEVER_KEPT = re.compile(r"csrf|password|secret|token|otp|(^|_)code$", re.IGNORECASE)
_KEPT_ON_REQUEST = "_nexus_kept_submission"


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


def step_up_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """Send the person to prove a code and back to this page; a POST's fields wait for them there."""
    if request.method == "POST":
        keep_submission(request)
    return HttpResponseRedirect(step_up_url(request.get_full_path()))


def keep_submission(request: HttpRequest) -> None:
    """Keep the POST's fields (but no secret) for the GET of the same page after the prompt."""
    now = timezone.now()
    fields = {name: request.POST.getlist(name) for name in request.POST if not NEVER_KEPT.search(name)}
    kept = {
        page: entry
        for page, entry in request.session.get(KEPT_SESSION_KEY, {}).items()
        if entry["until"] > now.timestamp()
    }
    kept[request.get_full_path()] = {"until": (now + KEPT_FOR).timestamp(), "fields": fields}
    request.session[KEPT_SESSION_KEY] = kept


def kept_submission(request: HttpRequest) -> QueryDict | None:
    """The fields a POST to this page sent before its step-up prompt, once, on the GET after it.

    None on any other request, after ``KEPT_FOR``, and after it was read by an earlier request
    (the same request may ask again).
    """
    if hasattr(request, _KEPT_ON_REQUEST):
        return cast(QueryDict | None, getattr(request, _KEPT_ON_REQUEST))
    found: QueryDict | None = None
    session = getattr(request, "session", None)
    if request.method == "GET" and session is not None and KEPT_SESSION_KEY in session:
        kept = dict(session[KEPT_SESSION_KEY])
        entry = kept.pop(request.get_full_path(), None)
        if entry is not None:
            session[KEPT_SESSION_KEY] = kept
            if entry["until"] > timezone.now().timestamp():
                found = QueryDict(mutable=True)
                for name, values in entry["fields"].items():
                    found.setlist(name, values)
    setattr(request, _KEPT_ON_REQUEST, found)
    return found


def requires_recent_mfa(view: ViewFunc) -> ViewFunc:
    """Decorate a Django view: without a recent verification, send the person to prove a code first.

    The prompt comes back to the same page (``?next=``), with a GET: a POST is not replayed, so
    the person confirms the action again after proving the code, on a form filled in from what
    they sent (``kept_submission``).
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_recent_mfa(request):
            return step_up_redirect(request)
        return view(request, *args, **kwargs)

    return cast(ViewFunc, wrapped)
