"""Keep a browser session's device current, and end a session whose device was ended elsewhere.

Revocation deletes the session from the session store, which is enough with the database store
(the default). This middleware is the second line, for any store and for sessions ended while a
request was in flight: at most every ``CHECK_INTERVAL`` per session it looks the session's device
up (one query), logs the session out if the device was ended, and otherwise notes the device as
seen — so "last seen" means something, and retention never purges the device of a live session.
"""

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .devices import CHECKED_SESSION_KEY
from .models_access import Device, DeviceKind

CHECK_INTERVAL = dt.timedelta(minutes=5)


class SessionDeviceMiddleware:
    """After ``AuthenticationMiddleware``: end sessions whose device ended; note the others as seen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None and session.session_key:
            self._check(request, user.pk, session.session_key)
        return self.get_response(request)

    def _check(self, request: HttpRequest, user_id: int, session_key: str) -> None:
        now = timezone.now()
        checked = parse_datetime(request.session.get(CHECKED_SESSION_KEY) or "")
        if checked is not None and now - checked < CHECK_INTERVAL:
            return
        device = (
            Device.objects.filter(user_id=user_id, kind=DeviceKind.SESSION, session_key=session_key)
            .only("pk", "revoked_at")
            .first()
        )
        if device is not None and device.revoked_at is not None:
            logout(request)  # flushes the session; the person is anonymous for this request
            return
        if device is not None:
            Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        request.session[CHECKED_SESSION_KEY] = now.isoformat()
