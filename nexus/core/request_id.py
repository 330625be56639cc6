"""A request id for every request, echoed in the response and attached to every log line."""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# Kept on the request too: Django logs a refused request after this middleware has returned.
REQUEST_ID_META = "nexus.request_id"
_request_id: ContextVar[str | None] = ContextVar("nexus_request_id", default=None)
# A client may pass its own id for tracing; anything odd is replaced rather than logged verbatim.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str | None:
    """Return the id of the request being handled, if any."""
    return _request_id.get()


class RequestIdMiddleware:
    """Take the caller's ``X-Request-ID`` when it is sane, else make one; echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _ACCEPTABLE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        request.META[REQUEST_ID_META] = request_id
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Give every record a ``request_id`` attribute ("-" outside a request).

    A record about a request (Django's ``django.request`` records carry it) takes that request's
    id, even when logged after the request's context has ended.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        about = getattr(request, "META", {}).get(REQUEST_ID_META) if request is not None else None
        record.request_id = current_request_id() or about or "-"
        return True
