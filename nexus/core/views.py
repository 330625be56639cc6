"""Health endpoints for load balancers and orchestration."""

from dataclasses import asdict

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import database_reports, run_readiness_checks
from .heartbeat import beat_heartbeat_age


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """Answer as long as the process serves requests; touches no dependency."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    """Answer 200 when every dependency is reachable, else 503 naming the failing ones."""
    results = run_readiness_checks()
    failing = sorted(name for name, result in results.items() if not result.ok)
    body = {
        "status": "unavailable" if failing else "ok",
        "failing": failing,
        "checks": {name: asdict(result) for name, result in results.items()},
        # Reported, not judged: a missing heartbeat is normal in the embedded mode.
        "reports": {
            "beat_heartbeat_age_seconds": beat_heartbeat_age(),
            # Only with a reachable database: the report must not wait on one that is down.
            **({} if "database" in failing else database_reports()),
        },
    }
    return JsonResponse(body, status=503 if failing else 200)
