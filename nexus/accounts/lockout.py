"""The login failure counter: counted before the password is checked, so bursts cannot slip past.

Each attempt first raises ``attempts`` for its (normalised username, client address) pair in one
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement (PostgreSQL, and SQLite from 3.35),
committed at once. The attempt is checked against the password only if that number is within
the limit and the pair is not cooling off; so however many guesses arrive together, no more than
``NEXUS_LOGIN_FAILURE_LIMIT`` of them ever reach the password. Then it settles: a failure raises
``failures`` and, at the limit, cools the pair off for a delay that doubles with each consecutive
cool-off (``NEXUS_LOGIN_COOLOFF_SECONDS`` up to ``NEXUS_LOGIN_COOLOFF_MAX_SECONDS``); a success
clears the row, so a correct password is never counted as a failure. Refused attempts get the
same answer as a wrong password.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from nexus.accounts.client import ClientInfo
from nexus.accounts.login_key import login_key
from nexus.accounts.models_lockout import LoginThrottle
from nexus.core.audit import record_event
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef, ObjectRef

_TABLE = LoginThrottle._meta.db_table

# When the pair's cool-off has ended, the attempt starts a fresh window (attempts 1, failures 0);
# the number of consecutive cool-offs is kept, so the next one is longer.
_RESERVE_SQL = f"""
INSERT INTO {_TABLE} AS t (username, ip_address, attempts, failures, lockouts, last_attempt_at)
VALUES (%(username)s, %(ip)s, 1, 0, 0, %(now)s)
ON CONFLICT (username, ip_address) DO UPDATE SET
    attempts = CASE WHEN t.locked_until IS NOT NULL AND t.locked_until <= %(now)s
                    THEN 1 ELSE t.attempts + 1 END,
    failures = CASE WHEN t.locked_until IS NOT NULL AND t.locked_until <= %(now)s
                    THEN 0 ELSE t.failures END,
    locked_until = CASE WHEN t.locked_until IS NOT NULL AND t.locked_until <= %(now)s
                        THEN NULL ELSE t.locked_until END,
    last_attempt_at = %(now)s
RETURNING attempts, locked_until
"""  # noqa: S608  (the table name is the model's; every value is a parameter)


def normalise_username(username: str) -> str:
    """The account's login key, so that every spelling of one address shares one counter."""
    return login_key(username)[:254]


def failure_limit() -> int:
    return int(settings.NEXUS_LOGIN_FAILURE_LIMIT)


def cooloff(lockouts: int) -> dt.timedelta:
    """The cool-off after the ``lockouts``-th consecutive one: doubling, capped."""
    base = float(settings.NEXUS_LOGIN_COOLOFF_SECONDS)
    ceiling = float(settings.NEXUS_LOGIN_COOLOFF_MAX_SECONDS)
    return dt.timedelta(seconds=min(base * 2 ** max(lockouts - 1, 0), ceiling))


@dataclass(frozen=True)
class Reservation:
    """One attempt, counted; ``allowed`` says whether it may be checked against the password."""

    username: str
    ip_address: str
    attempt: int
    allowed: bool


def reserve_attempt(username: str, client: ClientInfo, *, now: dt.datetime | None = None) -> Reservation:
    """Count an attempt for the pair before any password is checked (its own committed statement)."""
    username = normalise_username(username)
    now = now or timezone.now()
    params: dict[str, Any] = {"username": username, "ip": client.ip_address, "now": now}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_RESERVE_SQL, params)
        attempts, locked_until = cursor.fetchone()
    if isinstance(locked_until, str):  # SQLite returns the text it stored
        locked_until = dt.datetime.fromisoformat(locked_until)
    if locked_until is not None and timezone.is_naive(locked_until):
        locked_until = timezone.make_aware(locked_until, dt.UTC)
    cooling = locked_until is not None and locked_until > now
    allowed = not cooling and attempts <= failure_limit()
    return Reservation(username, client.ip_address, attempts, allowed)


def record_failure(
    reservation: Reservation,
    *,
    user_id: int | None,
    reason: str,
    client: ClientInfo,
    now: dt.datetime | None = None,
) -> LoginThrottle | None:
    """Settle a failed or refused attempt: count it, cool the pair off at the limit, publish events.

    Returns the row when this failure started a cool-off.
    """
    now = now or timezone.now()
    started = None
    with transaction.atomic():
        throttle = (
            LoginThrottle.objects.select_for_update()
            .filter(username=reservation.username, ip_address=reservation.ip_address)
            .first()
        )
        if throttle is not None and reservation.allowed:
            throttle.failures += 1
            throttle.user_id = user_id or throttle.user_id
            fields = ["failures", "user"]
            if throttle.failures >= failure_limit() and (
                throttle.locked_until is None or throttle.locked_until <= now
            ):
                throttle.lockouts += 1
                throttle.locked_until = now + cooloff(throttle.lockouts)
                fields += ["lockouts", "locked_until"]
                started = throttle
            throttle.save(update_fields=fields)
        publish(
            "accounts.login_failed",
            {"user_id": user_id, "username": reservation.username, "reason": reason, **client.event_fields()},
            tenant_id=None,
        )
        if started is not None:
            assert started.locked_until is not None
            publish(
                "accounts.locked_out",
                {
                    "user_id": user_id,
                    "username": reservation.username,
                    "failures": started.failures,
                    "locked_until": started.locked_until,
                    **client.event_fields(),
                },
                tenant_id=None,
            )
    return started


def record_success(reservation: Reservation) -> None:
    """A correct password: the pair starts afresh (attempts, failures and cool-offs cleared)."""
    LoginThrottle.objects.filter(username=reservation.username, ip_address=reservation.ip_address).delete()


def active_lockouts(*, now: dt.datetime | None = None) -> QuerySet[LoginThrottle]:
    """Pairs cooling off now."""
    return LoginThrottle.objects.filter(locked_until__gt=now or timezone.now())


def lockouts_of_tenant_members(tenant_id: int, *, now: dt.datetime | None = None) -> QuerySet[LoginThrottle]:
    """Pairs cooling off now whose username is an account with a membership in the tenant."""
    return (
        active_lockouts(now=now)
        .filter(user__memberships__tenant_id=tenant_id)
        .select_related("user")
        .distinct()
        .order_by("-locked_until", "pk")
    )


def clear_lockout(throttle_id: int, *, cleared_by: Any) -> LoginThrottle:
    """Delete a pair's counter, ending its cool-off (audited); returns the row as it was."""
    with transaction.atomic():
        throttle = (
            LoginThrottle.objects.select_for_update(of=("self",)).select_related("user").get(pk=throttle_id)
        )
        record_event(
            "accounts.lockout_cleared",
            actor=ActorRef.for_user(cleared_by),
            obj=ObjectRef("accounts.user", str(throttle.user_id), str(throttle.user or ""))
            if throttle.user_id
            else None,
            data={"failures": throttle.failures, "locked_until": throttle.locked_until},
            personal={"username": throttle.username, "ip_address": throttle.ip_address},
            tenant_id=None,
        )
        throttle.delete()
    return throttle
