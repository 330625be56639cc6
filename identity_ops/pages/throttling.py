"""The API's anonymous rate limit, applied to the pages' forms on the same per-address counts."""

from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.views import APIView

from nexus.core.api.throttling import AnonRateThrottle
from nexus.core.errors import Throttled


class LinkPageThrottle(AnonRateThrottle):
    """Counted per client address whether or not someone is signed in, as the anonymous API does."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def require_allowance(request: HttpRequest) -> None:
    """Count one form submission; ``Throttled`` (429) past the anonymous rate of this address."""
    throttle = LinkPageThrottle()
    if not throttle.allow_request(Request(request), APIView()):
        wait = throttle.wait()
        raise Throttled(retry_after=int(wait) + 1 if wait is not None else None)
