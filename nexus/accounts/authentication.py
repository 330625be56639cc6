"""API authentication with login tokens: ``Authorization: Token <key>`` (REST_FRAMEWORK settings)."""

from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .tokens import find_token, touch

KEYWORD = "Token"


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a request by its login token.

    Refused with 401 (one message, so a client cannot tell which check failed): an unknown key,
    a revoked or expired token, and a person who is no longer active (suspended, deactivated,
    never verified) — checked on every request, so a suspension stops a live token at once.
    The tenant is not part of the token: the API's tenant resolver checks the membership of the
    tenant each request names.
    """

    keyword = KEYWORD
    refused = "The token is invalid, expired or revoked, or the account is not active."

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Token <key>'.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(self.refused) from None
        token = find_token(key)
        now = timezone.now()
        if token is None or not token.is_live(now) or not token.device.is_live or not token.user.is_active:
            raise exceptions.AuthenticationFailed(self.refused)
        touch(token, now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
