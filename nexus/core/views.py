"""Health endpoints for load balancers and orchestration; the site's 404 and 500 handlers."""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .api.exceptions import nexus_exception_handler
from .errors import DependencyUnavailable
from .health import readiness

API_PREFIX = "/api/"


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """Answer as long as the process serves requests; touches no dependency."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    """Answer 503 when the database is down; 200 otherwise, ``degraded`` naming a lost cache or broker."""
    status, body = readiness()
    return JsonResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: under ``/api/`` a path that names nothing answers in the error shape."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: what the API's handler answers 503 (a lost database) is a 503 here too.

    Reached for what escapes that handler and for every other view and middleware (the admin
    reading its session). Renders without the request context, which would need the database.
    """
    error = sys.exc_info()[1]
    answer = nexus_exception_handler(error, {}) if isinstance(error, Exception) else None
    if answer is None or answer.status_code != DependencyUnavailable.status:
        return defaults.server_error(request)
    headers = {"Retry-After": answer["Retry-After"]} if answer.has_header("Retry-After") else {}
    if request.path.startswith(API_PREFIX):
        return JsonResponse(answer.data, status=answer.status_code, headers=headers)
    page = loader.render_to_string("503.html")
    return HttpResponse(page, status=answer.status_code, headers=headers)
