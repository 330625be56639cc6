"""The application's exception family, mapped in one place to API responses and admin messages.

Each error carries a machine ``code``, an HTTP ``status`` and a human ``detail``; validation
errors may also carry per-field messages. Bad input raises one of these and changes nothing.
"""

from collections.abc import Mapping, Sequence


class NexusError(Exception):
    status = 400
    code = "error"
    default_detail = "The request could not be completed."
    #: The same request may succeed later (a running duplicate, a dependency down): an API
    #: answer of this error is never stored for an ``Idempotency-Key``.
    retryable = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.fields = {name: list(messages) for name, messages in (fields or {}).items()}
        super().__init__(self.detail)


class InvalidInput(NexusError):
    status = 400
    code = "invalid"
    default_detail = "The input is not valid."


class TenantRequired(NexusError):
    """A tenant-scoped operation ran with no tenant selected."""

    status = 400
    code = "tenant_required"
    default_detail = "Select a tenant (the X-Tenant header or the session's tenant) for this request."


class NotAuthenticated(NexusError):
    status = 401
    code = "not_authenticated"
    default_detail = "Authentication is required."


class PermissionDenied(NexusError):
    status = 403
    code = "permission_denied"
    default_detail = "You are not allowed to do this."


class MfaRequired(PermissionDenied):
    code = "mfa_required"
    default_detail = "This action needs a recent multi-factor verification (step-up)."


class NotFound(NexusError):
    status = 404
    code = "not_found"
    default_detail = "Not found."


class RequestTooLarge(NexusError):
    status = 413
    code = "request_too_large"
    default_detail = "The request body is too large."


class Conflict(NexusError):
    status = 409
    code = "conflict"
    default_detail = "The request conflicts with the current state."


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


class IdempotencyMismatch(Conflict):
    code = "idempotency_mismatch"
    default_detail = "This idempotency key was already used with a different request."


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    default_detail = "A request with this idempotency key is still running; retry in a moment."
    retryable = True


class ConcurrentChange(Conflict):
    """The row changed since it was read: moved on by a transition, or saved from an older page."""

    code = "concurrent_change"
    default_detail = "This record changed since it was read; reload it and try again."
    # A retry with the same idempotency key should run again on the fresh row, not replay this.
    retryable = True


class AlreadyPosted(Conflict):
    code = "already_posted"
    default_detail = "A posted document cannot be changed; correct it with a new document."


class Throttled(NexusError):
    """Too many requests; ``retry_after`` (seconds), when known, becomes the Retry-After header."""

    status = 429
    code = "throttled"
    default_detail = "Too many requests; try again later."
    retryable = True

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail, code=code, fields=fields)
        self.retry_after = retry_after


class DependencyUnavailable(NexusError):
    status = 503
    code = "service_unavailable"
    default_detail = "A service this request needs is unavailable; try again later."
    retryable = True
