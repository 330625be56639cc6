"""Devices: one row per login, so that a person's sessions and tokens can be listed and ended.

Django's sessions cannot be queried by user, so every session login (the admin's login form,
``django.contrib.auth.login`` anywhere) records a session device with its session key through
the ``user_logged_in`` signal, as Django itself records ``last_login``; logging out marks it
ended. Token logins open a token device themselves (``nexus.accounts.login``).
"""

from typing import Any

from django.utils import timezone

from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY

from .client import ClientInfo, client_info
from .models_access import Device, DeviceKind

LOGGED_OUT = "logged_out"
# When the session middleware last looked at this session's device (kept in the session).
CHECKED_SESSION_KEY = "nexus_device_checked_at"


def open_device(
    user: Any, *, kind: str, client: ClientInfo, tenant_id: int | None = None, session_key: str = ""
) -> Device:
    """Record a new login of ``user`` from ``client``."""
    now = timezone.now()
    return Device.objects.create(
        user=user,
        kind=kind,
        tenant_id=tenant_id,
        session_key=session_key,
        user_agent=client.user_agent,
        ip_address=client.ip_address,
        first_seen_at=now,
        last_seen_at=now,
    )


def record_session_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a session device for the session the login just started."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return
    device = open_device(
        user,
        kind=DeviceKind.SESSION,
        client=client_info(request),
        tenant_id=session.get(SELECTED_TENANT_SESSION_KEY),
        session_key=session.session_key,
    )
    # Just seen: the session middleware need not look at the device again for a while.
    session[CHECKED_SESSION_KEY] = device.last_seen_at.isoformat()


def record_session_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """``user_logged_out`` receiver: the session's device is ended (Django flushes the session)."""
    session = getattr(request, "session", None)
    if user is None or session is None or not session.session_key:
        return
    Device.objects.filter(
        user_id=user.pk, kind=DeviceKind.SESSION, session_key=session.session_key, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_reason=LOGGED_OUT)
