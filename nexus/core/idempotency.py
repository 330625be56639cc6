"""Idempotency keys of API POSTs: claim a key in the request's transaction, keep the answer, replay it.

The API kernel (``nexus.core.api.idempotency``) calls these inside one atomic block around the
whole POST. ``claim`` inserts the key's row first (``INSERT ... ON CONFLICT DO NOTHING``) and
locks it: a concurrent request with the same key waits at that insert until the first one
commits or rolls back — at most ``NEXUS_IDEMPOTENCY_WAIT_SECONDS``, then
``IdempotencyInProgress`` — so two requests with one key never both run. ``store_answer``
writes the response into the row before the commit, so a committed operation always has its
answer, and a rolled-back one leaves no key behind.
"""

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from nexus.core.audit.recording import scope_admitting
from nexus.core.errors import IdempotencyInProgress, IdempotencyMismatch
from nexus.core.models import IdempotencyRecord
from nexus.core.models.refs import ActorRef
from nexus.core.retention import register_purge_rule

LIFETIME_SETTING = "NEXUS_IDEMPOTENCY_KEY_LIFETIME"
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout expired


@dataclass(frozen=True)
class KeyScope:
    """Where a key is unique: one tenant (or none), one caller, one route with its URL arguments."""

    tenant_id: int | None
    actor: ActorRef
    method: str
    route: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""

    def described_route(self) -> str:
        arguments = _canonical({name: str(value) for name, value in self.arguments.items()})
        return f"{self.route} {arguments}"

    def digest(self) -> str:
        actor = [self.actor.kind, self.actor.id]
        document = [self.tenant_id, *actor, self.method, self.described_route(), self.key]
        return hashlib.sha256(_canonical(document).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Claim:
    """The key's locked row: this request's own to answer, or an ``earlier`` one's answer."""

    record: IdempotencyRecord
    earlier: bool


class _RequestEncoder(DjangoJSONEncoder):
    """JSON for parsed request data: decimals and dates as text, uploaded files by their content."""

    def default(self, o: Any) -> Any:
        if isinstance(o, File):
            content = hashlib.sha256()
            for chunk in o.chunks():
                content.update(chunk)
            o.seek(0)
            return {"file": o.name, "sha256": content.hexdigest()}
        return super().default(o)


def _canonical(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), cls=_RequestEncoder)


def request_digest(query: Mapping[str, list[str]], body: Any) -> str:
    """A keyed hash of what makes two requests "the same": the query and the parsed body.

    Keyed with the secret key: bodies may hold passwords or codes, and a plain hash of them
    kept for a day could be guessed offline.
    """
    document = _canonical({"query": dict(query), "body": body})
    return salted_hmac("nexus.core.idempotency", document, algorithm="sha256").hexdigest()


def lifetime() -> timedelta:
    period: timedelta = getattr(settings, LIFETIME_SETTING)
    return period


def claim(scope: KeyScope, digest: str) -> Claim:
    """Insert and lock the key's row in the current transaction; return it with whose it is.

    The row is this request's own when it is new or older than the key's lifetime (then it is
    taken over); otherwise it holds an earlier answer. Raises ``IdempotencyMismatch`` (409)
    when the earlier request was different, ``IdempotencyInProgress`` (409) when the request
    holding the key does not finish within ``NEXUS_IDEMPOTENCY_WAIT_SECONDS``.
    """
    now = timezone.now()
    fresh = IdempotencyRecord(
        tenant_id=scope.tenant_id,
        actor_kind=scope.actor.kind,
        actor_id=scope.actor.id,
        actor_label=scope.actor.label[:255],
        scope_digest=scope.digest(),
        key=scope.key,
        method=scope.method,
        route=scope.described_route(),
        request_digest=digest,
        created_at=now,
    )
    rows = IdempotencyRecord._base_manager.filter(scope_digest=fresh.scope_digest)
    try:
        with scope_admitting(scope.tenant_id), transaction.atomic(), _waiting_at_most(_wait_seconds()):
            IdempotencyRecord._base_manager.bulk_create([fresh], ignore_conflicts=True)
            record = rows.select_for_update().get()
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise IdempotencyInProgress() from None
        raise
    if record.status_code is None:
        return Claim(record, earlier=False)  # inserted just now: a stored row always has a status
    if record.created_at <= now - lifetime():
        _take_over(record, fresh)
        return Claim(record, earlier=False)
    if record.request_digest != digest:
        raise IdempotencyMismatch(
            "This idempotency key was already used with a different request on this route; "
            "use a new key for a new request."
        )
    return Claim(record, earlier=True)


def store_answer(
    record: IdempotencyRecord, status_code: int, headers: Mapping[str, str], body: bytes
) -> None:
    """Keep the answer in the key's row (before the request's transaction commits)."""
    record.status_code = status_code
    record.headers = dict(headers)
    record.body = body
    with scope_admitting(record.tenant_id):
        record.save(update_fields=["status_code", "headers", "body"])


def release(record: IdempotencyRecord) -> None:
    """Give the key back: the answer is not one to replay, so a retry runs afresh."""
    with scope_admitting(record.tenant_id):
        IdempotencyRecord._base_manager.filter(pk=record.pk).delete()


def _take_over(record: IdempotencyRecord, fresh: IdempotencyRecord) -> None:
    """Reuse an expired key's row (locked) for this request, as if it were new."""
    for name in ("actor_label", "request_digest", "created_at"):
        setattr(record, name, getattr(fresh, name))
    record.status_code, record.headers, record.body = None, {}, b""
    with scope_admitting(record.tenant_id):
        record.save(
            update_fields=["actor_label", "request_digest", "created_at", "status_code", "headers", "body"]
        )


def _wait_seconds() -> float:
    seconds: float = settings.NEXUS_IDEMPOTENCY_WAIT_SECONDS
    return seconds


@contextmanager
def _waiting_at_most(seconds: float) -> Iterator[None]:
    """Bound lock waits inside the block (PostgreSQL's ``lock_timeout``, for this transaction).

    Set in the caller's savepoint: when a wait times out, rolling the savepoint back restores
    the setting too; otherwise the previous value is put back on the way out.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(1, round(seconds * 1000))}ms"])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def expired_records() -> QuerySet[IdempotencyRecord]:
    return IdempotencyRecord.objects.all()


def register_idempotency_purge_rule() -> None:
    register_purge_rule(
        "core.idempotency_keys", expired_records, older_than=LIFETIME_SETTING, field="created_at"
    )
