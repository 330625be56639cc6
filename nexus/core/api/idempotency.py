"""``Idempotency-Key`` on every POST of the API: a retry gets the first answer (docs/kernel.md, "Retries").

``IdempotentPostMixin`` is part of the kernel's base views, so every POST — creates,
transitions, other actions — honours the header without the view doing anything. For an
authenticated POST carrying a key, the whole handling runs in one transaction: right after
authentication, the tenant and the permission checks, the key's row is claimed (inserted first
and locked, ``nexus.core.idempotency``); the view runs (in a savepoint: when it fails, its
writes are undone before its error answer is kept); its answer, rendered, is stored in the row
before the commit. Keys are scoped per tenant, caller and route (method, URL pattern and
URL arguments). Within ``NEXUS_IDEMPOTENCY_KEY_LIFETIME``:

- the same key with the same query and body answers the stored status and body again, with
  the header ``Idempotent-Replayed: true``;
- with another body it is 409 ``idempotency_mismatch``; while the first request still runs, a
  retry waits for it (``NEXUS_IDEMPOTENCY_WAIT_SECONDS``), then 409 ``idempotency_in_progress``.

Stored are 2xx answers and the 4xx ones that a retry would get again; a 5xx, 401, 403, 408, 423,
425, 429 or a ``retryable`` error is not (the key is given back; a 5xx rolls the work back
too), so a retry runs afresh. On transition actions the body field ``idempotency_key`` is an
alias of the header. Anonymous POSTs have no caller to scope a key to and ignore it; views whose
answer holds a secret shown once (a token, recovery codes) set ``idempotent_posts = False``.
"""

from collections.abc import Mapping
from contextlib import ExitStack
from typing import Any, ClassVar

from django.core.validators import RegexValidator
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core import idempotency, scope
from nexus.core.errors import InvalidInput
from nexus.core.models import IdempotencyRecord
from nexus.core.models.refs import ActorRef
from nexus.core.transitions.idempotency import MAX_KEY_LENGTH

from .transitions import REPLAYED_HEADER

HEADER = "Idempotency-Key"
BODY_ALIAS = "idempotency_key"
# Kept with the answer and replayed; the others (Vary, Allow, cookies) belong to each response.
STORED_HEADERS = ("Content-Type", "Location")
# Client errors that a retry may not get again: who the caller is, throttles, time-outs, locks.
TRANSIENT_CLIENT_ERRORS = frozenset({401, 403, 407, 408, 423, 425, 429})

KEY_MESSAGE = f"Use 1 to {MAX_KEY_LENGTH} printable ASCII characters (a UUID is a good key)."
KEY_FIELD = serializers.CharField(
    max_length=MAX_KEY_LENGTH,
    trim_whitespace=False,
    validators=[RegexValidator(r"\A[ -~]+\Z", KEY_MESSAGE)],
    error_messages={"blank": KEY_MESSAGE, "max_length": KEY_MESSAGE, "invalid": KEY_MESSAGE},
)

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        f"A key of yours (1 to {MAX_KEY_LENGTH} printable ASCII characters, a UUID say) to retry "
        "this request safely. Within 24 hours, the same key with the same body returns the first "
        "answer again (status and body, with the header `Idempotent-Replayed: true`) and does "
        "nothing twice; with a different body it is 409 `idempotency_mismatch`; while the first "
        "request is still running, 409 `idempotency_in_progress` after a short wait. Keys are "
        "scoped per tenant, caller and route. Errors that a retry may not get again (5xx, 401, "
        "403, 429) are not kept, so a retry after one of them runs afresh."
    ),
)


def honours_idempotency_keys(view: Any) -> bool:
    """Whether the view's POSTs honour the header (anonymous-only views have no caller to scope to)."""
    return bool(getattr(view, "idempotent_posts", False) and getattr(view, "authentication_classes", ()))


class IdempotencyKeySchema(AutoSchema):
    """Document the ``Idempotency-Key`` header on every POST operation that honours it."""

    def get_override_parameters(self) -> list[Any]:
        parameters: list[Any] = list(super().get_override_parameters())
        if self.method == "POST" and honours_idempotency_keys(self.view):
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        return parameters


class _Replay(Exception):
    """Raised from ``initial()`` to answer with a stored answer instead of running the view."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.record = record


class IdempotentPostMixin:
    """Honour ``Idempotency-Key`` on the view's POSTs (see the module docstring)."""

    #: False only where an answer holds a secret shown once, which must not be stored.
    idempotent_posts: ClassVar[bool] = True

    _keyed_transaction: ExitStack
    _keyed: bool = False
    _claimed: IdempotencyRecord | None = None
    _view_savepoint: str | None = None
    _retryable_error: bool = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self._keyed, self._claimed, self._view_savepoint, self._retryable_error = False, None, None, False
        try:
            with ExitStack() as self._keyed_transaction:
                response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
                if self._keyed:
                    self._settle(response)
        except DatabaseError as exc:
            if not self._keyed:
                raise
            # The commit (deferred constraints, a lost connection) or the rendering failed: the
            # work is rolled back, or — the connection lost at commit — perhaps saved; a retry
            # with the same key tells which. Answered in the error shape (503, 409), never a 500.
            self._view_savepoint = None
            answer = self.handle_exception(exc)
            response = self.finalize_response(self.request, answer, *args, **kwargs)  # type: ignore[attr-defined]
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method != "POST" or not self.idempotent_posts or not request.user.is_authenticated:
            return
        key = self._idempotency_key(request)
        if not key:
            return
        key_scope = idempotency.KeyScope(
            tenant_id=scope.current_tenant_id(),
            actor=_actor_of(request.user),
            method=request.method,
            route=_route_of(request),
            arguments=kwargs,
            key=key,
        )
        digest = idempotency.request_digest(dict(request.query_params.lists()), request.data)
        self._keyed_transaction.enter_context(transaction.atomic())
        self._keyed = True
        claimed = idempotency.claim(key_scope, digest)
        if claimed.earlier:
            raise _Replay(claimed.record)
        self._claimed = claimed.record
        # The view's work, undone on its own when it fails, so that its answer can still be kept.
        self._view_savepoint = transaction.savepoint()

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            return ReplayedResponse(exc.record)
        self._retryable_error = bool(getattr(exc, "retryable", False))
        if self._view_savepoint is not None:
            self._undo_view_work(self._view_savepoint)
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        return response

    def _undo_view_work(self, savepoint: str) -> None:
        """Roll the failed view's writes back (a failed query leaves the transaction unusable)."""
        self._view_savepoint = None
        try:
            transaction.savepoint_rollback(savepoint)
        except DatabaseError:
            return  # the connection is lost: storing the answer fails too, and says so (503)
        transaction.set_rollback(False)

    def _settle(self, response: HttpResponseBase) -> None:
        """Render the answer inside the transaction; keep it for the key, or give the key back."""
        if isinstance(response, Response) and not response.is_rendered:
            response.render()
        record = self._claimed
        if record is None:
            return  # a replay or a refusal of the key: nothing of this request to keep
        status = response.status_code
        if response.streaming or status >= 500 or not self._storable(status):
            if status >= 500:
                transaction.set_rollback(True)
            else:
                idempotency.release(record)
            return
        headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
        idempotency.store_answer(record, status, headers, response.content)  # type: ignore[attr-defined]

    def _storable(self, status: int) -> bool:
        if self._retryable_error or status in TRANSIENT_CLIENT_ERRORS:
            return False
        return 200 <= status < 300 or 400 <= status < 500

    def _idempotency_key(self, request: Request) -> str:
        """The validated key: the header, or on transition actions the body's ``idempotency_key``."""
        header = request.META.get("HTTP_IDEMPOTENCY_KEY")
        key = _valid_key(HEADER, header) if header is not None else ""
        body = request.data if self._is_transition_action() else None
        alias = body.get(BODY_ALIAS) if isinstance(body, Mapping) else None
        if alias not in (None, ""):
            alias_key = _valid_key(BODY_ALIAS, alias)
            if key and alias_key != key:
                message = f"The {HEADER} header and the body's {BODY_ALIAS} differ; send the key once."
                raise InvalidInput(message, fields={BODY_ALIAS: [message]})
            key = alias_key
        return key

    def _is_transition_action(self) -> bool:
        action = getattr(self, "action", None)
        return bool(action and getattr(getattr(self, action, None), "nexus_transition", False))


def _valid_key(name: str, value: Any) -> str:
    try:
        key: str = KEY_FIELD.run_validation(value)
    except serializers.ValidationError as exc:
        messages = [str(message) for message in exc.detail] if isinstance(exc.detail, list) else [KEY_MESSAGE]
        detail = f"The idempotency key is not valid: {KEY_MESSAGE}"
        raise InvalidInput(detail, fields={name: messages}) from None
    return key


def _actor_of(user: Any) -> ActorRef:
    """The caller a key belongs to: the person, or the service token (which supplies its own)."""
    own: ActorRef | None = getattr(user, "actor_ref", None)
    return own or ActorRef.for_user(user)


def _route_of(request: Request) -> str:
    match = request._request.resolver_match
    return match.route if match is not None else request.path


class ReplayedResponse(Response):
    """A stored answer, sent again exactly as it was first rendered."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(status=record.status_code, headers={**record.headers, REPLAYED_HEADER: "true"})
        self.content = bytes(record.body)  # marks the response rendered: it is sent as stored
