"""The step-up contract of ``nexus.core.stepup``, answered from the login (token or session).

A login token's device keeps when a second factor was last proved in that login; a browser
session keeps it in the session. A service token never has one.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .mfa.policy import step_up_window
from .models import LoginToken

SESSION_KEY = "nexus_mfa_verified_at"


def mark_session_verified(request: HttpRequest, at: dt.datetime | None = None) -> dt.datetime:
    """Record in the session that a second factor was proved now (login or step-up)."""
    at = at or timezone.now()
    request.session[SESSION_KEY] = at.isoformat()
    return at


class SessionMfaRecency:
    """``MfaRecency`` for API tokens (the device) and browser sessions (the session)."""

    def verified_at(self, request: HttpRequest) -> dt.datetime | None:
        auth: Any = getattr(request, "auth", None)
        if auth is not None:
            # A login token answers for its device; a service token (or anything else) never does.
            return auth.device.mfa_verified_at if isinstance(auth, LoginToken) else None
        session = getattr(request, "session", None)
        value = session.get(SESSION_KEY) if session is not None else None
        return parse_datetime(value) if value else None

    def window(self, request: HttpRequest) -> dt.timedelta:
        return step_up_window(getattr(request, "tenant", None))
