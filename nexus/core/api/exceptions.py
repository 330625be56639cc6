"""One error shape for the whole API: ``{"code", "detail", "fields"}`` (DESIGN.md §5).

``nexus_exception_handler`` (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) maps the application's
``NexusError`` family, DRF's exceptions, Django's ``ValidationError``/``Http404``/
``PermissionDenied``, django-fsm's ``ConcurrentTransition`` (a save that lost a race with a
transition: 409 ``concurrent_change``), integrity errors, protected deletes and a database that
did not answer (503) to that shape, so that nothing a client can send turns into a 500.
``fields`` appears only on validation errors.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django_fsm import ConcurrentTransition
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from nexus.core.errors import ConcurrentChange, NexusError

FieldErrors = dict[str, list[str]]

INVALID_DETAIL = "The input is not valid; see the fields."
# A lost connection, a deadlock, a time-out: the request's transaction did not commit, except
# when the connection was lost during the commit itself, which a keyed retry finds out.
DATABASE_UNAVAILABLE = (
    "The database could not complete the request; retry it, with the same Idempotency-Key so that "
    "it is done only once."
)

# SQLSTATE classes of integrity errors a client can cause (PostgreSQL), and SQLite's wording.
_UNIQUE = ("23505", "23P01", "UNIQUE constraint failed")
_REFERENCE = ("23503", "FOREIGN KEY constraint failed")
_CHECK = ("23514", "CHECK constraint failed")


def error_body(code: str, detail: str, fields: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """The JSON body of an error response."""
    body: dict[str, Any] = {"code": code, "detail": detail}
    if fields:
        body["fields"] = dict(fields)
    return body


def nexus_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """Answer ``exc`` in the API's error shape; None (a 500) only for what no client can cause."""
    answer = _answer(exc)
    if answer is None:
        return None
    status, body, headers = answer
    set_rollback()
    return Response(body, status=status, headers=headers)


def _answer(exc: Exception) -> tuple[int, dict[str, Any], dict[str, str]] | None:
    if isinstance(exc, NexusError):
        wait = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(wait)} if wait is not None else {}
        return exc.status, error_body(exc.code, exc.detail, exc.fields), headers
    if isinstance(exc, ConcurrentTransition):
        return 409, error_body(ConcurrentChange.code, ConcurrentChange.default_detail), {}
    if isinstance(exc, drf.ValidationError):
        return 400, _validation_body(_flatten(exc.detail)), {}
    if isinstance(exc, DjangoValidationError):
        return 400, _validation_body(_django_fields(exc)), {}
    if isinstance(exc, Http404):
        return 404, error_body("not_found", "Not found."), {}
    if isinstance(exc, DjangoPermissionDenied):
        return 403, error_body("permission_denied", str(exc) or "You are not allowed to do this."), {}
    if isinstance(exc, drf.APIException):
        return _api_exception(exc)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        referring = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        names = sorted({str(obj._meta.verbose_name) for obj in referring if hasattr(obj, "_meta")})
        used_by = f" (used by: {', '.join(names)})" if names else ""
        return (
            409,
            error_body("conflict", f"This cannot be deleted while other records refer to it{used_by}."),
            {},
        )
    if isinstance(exc, IntegrityError):
        return _integrity(exc)
    if isinstance(exc, DataError):
        return 400, error_body("invalid", "A value is malformed or out of range."), {}
    if isinstance(exc, (OperationalError, InterfaceError)):
        return 503, error_body("service_unavailable", DATABASE_UNAVAILABLE), {"Retry-After": "1"}
    return None


def _api_exception(exc: drf.APIException) -> tuple[int, dict[str, Any], dict[str, str]]:
    headers: dict[str, str] = {}
    status = exc.status_code
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        # DRF turns these into 403 when the first authenticator names no WWW-Authenticate
        # scheme (sessions); the API says 401 for "who are you?" whatever the scheme.
        status = 401
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None)
    if isinstance(exc, drf.Throttled) and wait is not None:
        headers["Retry-After"] = str(int(wait))
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    return status, error_body(str(code), str(detail)), headers


def _integrity(exc: IntegrityError) -> tuple[int, dict[str, Any], dict[str, str]] | None:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or ""
    message = str(exc)

    def matches(markers: tuple[str, ...]) -> bool:
        return sqlstate in markers or any(message.startswith(marker) for marker in markers)

    if matches(_UNIQUE):
        return 409, error_body("conflict", "A record with these values already exists."), {}
    if matches(_REFERENCE):
        return (
            409,
            error_body("conflict", "This refers to, or is referred to by, a record that does not allow it."),
            {},
        )
    if matches(_CHECK):
        return 400, error_body("invalid", "The values break a rule of this record."), {}
    return None  # e.g. NOT NULL: the code failed to validate, not the client


def _validation_body(fields: FieldErrors) -> dict[str, Any]:
    general = fields.get(api_settings.NON_FIELD_ERRORS_KEY, [])
    detail = " ".join(general) if general and len(fields) == 1 else INVALID_DETAIL
    return error_body("invalid", detail, fields or {api_settings.NON_FIELD_ERRORS_KEY: [detail]})


def _flatten(detail: Any, prefix: str = "") -> FieldErrors:
    """DRF's nested error detail as ``{"lines.0.quantity": ["..."]}``."""
    key = prefix or api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, Mapping):
        fields: FieldErrors = {}
        for name, inner in detail.items():
            path = f"{prefix}.{name}" if prefix else str(name)
            if name == api_settings.NON_FIELD_ERRORS_KEY and prefix:
                path = prefix
            for field, messages in _flatten(inner, path).items():
                fields.setdefault(field, []).extend(messages)
        return fields
    if isinstance(detail, list):
        if all(not isinstance(item, (list, Mapping)) for item in detail):
            return {key: [str(item) for item in detail]} if detail else {}
        fields = {}
        for index, item in enumerate(detail):
            path = f"{prefix}.{index}" if prefix else str(index)
            for field, messages in _flatten(item, path).items():
                fields.setdefault(field, []).extend(messages)
        return fields
    return {key: [str(detail)]}


def _django_fields(exc: DjangoValidationError) -> FieldErrors:
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): list(messages)
            for name, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}
