"""API authentication with login tokens: ``Authorization: Token <key>`` (REST_FRAMEWORK settings)."""

from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from . import service_tokens, token_families
from .client import client_info
from .service_tokens import authenticate_service_token
from .token_families import MfaEnrolmentRequired, enrolment_allowed
from .tokens import find_token, touch

KEYWORD = "Token"


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a request by its login token.

    Refused with 401 (one message, so a client cannot tell which check failed): an unknown key,
    a revoked or expired token, and a person who is no longer active (suspended, deactivated,
    never verified) — checked on every request, so a suspension stops a live token at once.
    The tenant is not part of the token: the API's tenant resolver checks the membership of the
    tenant each request names. A token already replaced by a refresh ends its family (replay,
    ``token_families``), except a refresh retried within the refresh grace; a
    login limited to enrolling a second factor reaches only views marked
    ``mfa_enrolment_allowed`` (403 ``mfa_enrolment_required`` elsewhere). Service tokens
    (``svc_`` keys) authenticate a principal bound to their tenant (``service_tokens``).
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
        service = authenticate_service_token(key) if key.startswith(service_tokens.KEY_PREFIX) else None
        if service is not None:
            return service
        token = find_token(key)
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed(self.refused)
        try:
            # A token already replaced by a refresh ends its whole family here (replay).
            token_families.check_usable(
                token,
                client_info(request),
                now=now,
                refresh_retry=token_families.refresh_retry_allowed(request),
            )
        except token_families.TokenReplayed:
            raise exceptions.AuthenticationFailed(token_families.REPLAYED_MESSAGE) from None
        except token_families.TokenUnusable:
            raise exceptions.AuthenticationFailed(self.refused) from None
        if not enrolment_allowed(request) and token_families.enrolment_gate_holds(token.device):
            raise MfaEnrolmentRequired()
        touch(token, now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
