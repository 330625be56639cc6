"""Health endpoints for load balancers and orchestration."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import readiness


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

