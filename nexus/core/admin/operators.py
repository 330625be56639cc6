"""Platform operators in the admin: who they are, and the cross-tenant scope of their read screens.

Operators look across tenants on the kernel's record screens (audit events, the outbox,
notifications). Opening such a screen is a read, not a decision, so the widened scope is not
recorded: the audit chain keeps operators' deliberate entries (an erasure, a purge, a retry),
not every page they open.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from nexus.core import scope


def is_platform_operator(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and getattr(user, "is_platform_operator", False))


@contextmanager
def operator_scope(request: HttpRequest, screen: str, *, deliberate: bool = False) -> Iterator[None]:
    """Operators reach every tenant's rows of ``screen``; everyone else stays in their tenant.

    ``deliberate``: the operator acts (a retry), so the entry is recorded in the audit chain.
    """
    if is_platform_operator(request):
        reason = f"{screen}, platform operator #{request.user.pk}"
        with scope.system_context(reason, record=deliberate):
            yield
    else:
        yield


View = Callable[..., HttpResponse]


def rendered_in_operator_scope(screen: str) -> Callable[[View], View]:
    """Run an admin view and render its response in ``operator_scope`` (templates run the queries)."""

    def decorate(view: View) -> View:
        def wrapper(self: admin.ModelAdmin, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            with operator_scope(request, screen):
                response = view(self, request, *args, **kwargs)
                render = getattr(response, "render", None)
                if render is not None:
                    render()
            return response

        return wrapper

    return decorate
