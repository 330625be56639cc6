"""The password check every entry point goes through, and the end of a login.

``authenticate_credentials`` authenticates through Django's ``authenticate()`` (the configured
backends — the lockout counter first — so every rule applies to the admin's login form and the
API alike); the full login built on it, with a second factor and tenant policies, is
``nexus.accounts.login_flow``. ``log_out`` ends the login the request was made with and publishes
``accounts.logged_out``; the identity listeners turn it into an audit event after commit.
"""

import enum
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth import logout as end_session
from django.db import transaction

from nexus.core.errors import InvalidInput, NotAuthenticated
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef

from .client import client_info
from .devices import LOGGED_OUT
from .models import User
from .models_access import Device, DeviceKind, LoginToken
from .revocation import end_device

# One answer for an unknown address, a wrong password and an account that may not log in, so
# that the login reveals nothing about which accounts exist.
INVALID_CREDENTIALS = "The email address or password is not correct, or the account cannot log in."


class Via(enum.Enum):
    SESSION = "session"
    TOKEN = "token"  # noqa: S105  (a kind of login, not a secret)


def authenticate_credentials(request: Any, *, email: str, password: str) -> User:
    """The password check: the user, or ``InvalidInput`` (400) with the one generic message."""
    if not email or not password:
        raise InvalidInput(INVALID_CREDENTIALS, code="invalid_credentials")
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User) or not user.is_active:
        raise InvalidInput(INVALID_CREDENTIALS, code="invalid_credentials")
    return user


def log_out(request: Any) -> None:
    """End the login the request was made with: revoke its token, or end its session.

    Raises ``NotAuthenticated`` when the request carries no login.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NotAuthenticated()
    client = client_info(request)
    token = getattr(request, "auth", None)
    with transaction.atomic():
        device: Device | None = None
        if isinstance(token, LoginToken):
            device = token.device
            end_device(device, reason=LOGGED_OUT, revoked_by=ActorRef.for_user(user))
        else:
            django_request = getattr(request, "_request", request)
            session_key = django_request.session.session_key
            device = Device.objects.filter(
                user=user, kind=DeviceKind.SESSION, session_key=session_key
            ).first()
            end_session(django_request)  # the user_logged_out receiver ends the device
        publish(
            "accounts.logged_out",
            {"user_id": user.pk, "device_id": device.pk if device else None, **client.event_fields()},
            tenant_id=None,
        )
