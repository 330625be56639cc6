"""One line for a refusal the application expects (403, 404, 409), a traceback only for 5xx.

Django logs every 4xx and 5xx response on ``django.request``; for a ``PermissionDenied`` raised
in a view it attaches the traceback, which buries real failures under ordinary refusals. This
filter rewrites those records as one line (code, method, path without its query, which may carry
a link's token, and who asked) and drops the traceback; the request id comes from
``RequestIdLogFilter``. Server errors keep their traceback.
"""

import logging
from typing import Any

EXPECTED_REFUSALS = frozenset({403, 404, 409})


def who(request: Any) -> str:
    """The requesting user as a log shows them: an id (never an email), or "anonymous"."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    return str(user.pk) if user.pk is not None else str(user)


class ExpectedRefusalFilter(logging.Filter):
    """Rewrite ``django.request`` records of expected refusals as one line without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        status = getattr(record, "status_code", None)
        if request is None or status not in EXPECTED_REFUSALS:
            return True
        record.msg = "%s %s %s user=%s"
        record.args = (status, request.method, request.path, who(request))
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
