"""The one login service: the password check every entry point goes through, then a session or a token.

``log_in`` authenticates through Django's ``authenticate()`` (the configured backends, so any
rule a backend adds applies to the admin's login form and the API alike) and then either starts
a browser session (``django.contrib.auth.login``: the ``user_logged_in`` receiver records the
session's device) or opens a token device and issues a token to it. ``log_out`` ends the login
the request was made with. Both publish their authentication event (``accounts.login_succeeded``,
``accounts.logged_out``); the identity listeners turn each into an audit event after commit.
"""

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth import login as start_session
from django.contrib.auth import logout as end_session
from django.db import transaction

from nexus.core.errors import InvalidInput, NotAuthenticated
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY

from .client import client_info
from .devices import LOGGED_OUT, open_device
from .models import User
from .models_access import Device, DeviceKind, LoginToken
from .revocation import end_device
from .tokens import issue_login_token

# One answer for an unknown address, a wrong password and an account that may not log in, so
# that the login reveals nothing about which accounts exist.
INVALID_CREDENTIALS = "The email address or password is not correct, or the account cannot log in."


class Via(enum.Enum):
    SESSION = "session"
    TOKEN = "token"  # noqa: S105  (a kind of login, not a secret)


@dataclass(frozen=True)
class LoginResult:
    """Who logged in, on which device; ``token_key`` (token logins) is shown once."""

    user: User
    device: Device | None
    token_key: str = ""
    token: LoginToken | None = None

    @property
    def expires_at(self) -> dt.datetime | None:
        return self.token.expires_at if self.token is not None else None


def authenticate_credentials(request: Any, *, email: str, password: str) -> User:
    """The password check: the user, or ``InvalidInput`` (400) with the one generic message."""
    if not email or not password:
        raise InvalidInput(INVALID_CREDENTIALS, code="invalid_credentials")
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User) or not user.is_active:
        raise InvalidInput(INVALID_CREDENTIALS, code="invalid_credentials")
    return user


def log_in(request: Any, *, email: str, password: str, via: Via) -> LoginResult:
    """Check the password, then start a session or issue a token; audited and published.

    Raises ``InvalidInput`` (code ``invalid_credentials``) for any refused attempt.
    """
    user = authenticate_credentials(request, email=email, password=password)
    client = client_info(request)
    with transaction.atomic():
        if via is Via.SESSION:
            start_session(request, user)
            device = Device.objects.filter(
                user=user, kind=DeviceKind.SESSION, session_key=request.session.session_key
            ).first()
            token_key, token = "", None
        else:
            session = getattr(request, "session", None)
            tenant_id = session.get(SELECTED_TENANT_SESSION_KEY) if session is not None else None
            device = open_device(user, kind=DeviceKind.TOKEN, client=client, tenant_id=tenant_id)
            issued = issue_login_token(user, device)
            token_key, token = issued.key, issued.token
        publish(
            "accounts.login_succeeded",
            {
                "user_id": user.pk,
                "device_id": device.pk if device else None,
                "new_device": True,
                "mfa_used": False,
                **client.event_fields(),
            },
            tenant_id=None,
        )
    return LoginResult(user=user, device=device, token_key=token_key, token=token)


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
