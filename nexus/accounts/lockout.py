"""The login failure counters: per (login key, address) a lockout, per account a pace.

Per pair, each attempt is reserved before the password is checked, in one ``INSERT … ON
CONFLICT DO UPDATE … RETURNING`` statement committed at once: it joins the attempts in flight,
and is checked only if the pair is not cooling off and its settled failures in the window plus
its attempts in flight stay within ``NEXUS_LOGIN_FAILURE_LIMIT``; so however many guesses arrive
together, no more than the limit reach the password. Then it settles: it leaves the flight, and
a wrong password raises ``failures`` and, at the limit, cools the pair off for a delay that
doubles with each consecutive cool-off (``NEXUS_LOGIN_COOLOFF_SECONDS`` up to
``NEXUS_LOGIN_COOLOFF_MAX_SECONDS``); a success clears the row. Failures count within
``NEXUS_LOGIN_FAILURE_WINDOW_SECONDS``; attempts that never settle (a crash, a killed worker)
are forgotten once none was reserved for ``NEXUS_LOGIN_ATTEMPT_SETTLE_SECONDS``, so they cannot
hold the pair. Refused attempts get the same answer as a wrong password.

Per account, across addresses, wrong passwords count in a window counter; past
``NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT`` the account's checks are paced — one per delay, doubling
up to ``NEXUS_LOGIN_ACCOUNT_DELAY_MAX_SECONDS`` — and others are told to retry later
(``LoginSlowed``): slowed, never locked, so a stranger cannot keep the owner out. The owner is
told once per window (``accounts.login_slowed``).
"""

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from nexus.accounts.client import ClientInfo
from nexus.accounts.login_key import login_key
from nexus.accounts.models_lockout import LoginThrottle
from nexus.core import counters
from nexus.core.audit import record_event
from nexus.core.errors import Throttled
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef, ObjectRef

_TABLE = LoginThrottle._meta.db_table

# A pair starts a fresh window (attempts 1, failures 0) when its cool-off has ended, or when it
# is not cooling off and its window has ended; the number of consecutive cool-offs is kept, so
# the next one is longer. Attempts in flight are forgotten with the window, or when none was
# reserved for the settle time. Every value on the right of SET is the row as it was.
_FRESH = """(
    (t.locked_until IS NOT NULL AND t.locked_until <= %(now)s)
    OR (t.locked_until IS NULL AND (t.window_ends_at IS NULL OR t.window_ends_at <= %(now)s))
)"""
_RESERVE_SQL = f"""
INSERT INTO {_TABLE} AS t (
    username, ip_address, attempts, failures, in_flight, in_flight_until, window_ends_at,
    lockouts, last_attempt_at
)
VALUES (%(username)s, %(ip)s, 1, 0, 1, %(settle_by)s, %(window_ends)s, 0, %(now)s)
ON CONFLICT (username, ip_address) DO UPDATE SET
    attempts = CASE WHEN {_FRESH} THEN 1 ELSE t.attempts + 1 END,
    failures = CASE WHEN {_FRESH} THEN 0 ELSE t.failures END,
    window_ends_at = CASE WHEN {_FRESH} THEN %(window_ends)s ELSE t.window_ends_at END,
    locked_until = CASE WHEN t.locked_until IS NOT NULL AND t.locked_until <= %(now)s
                        THEN NULL ELSE t.locked_until END,
    in_flight = CASE WHEN {_FRESH} OR t.in_flight_until IS NULL OR t.in_flight_until <= %(now)s
                     THEN 1 ELSE t.in_flight + 1 END,
    in_flight_until = %(settle_by)s,
    last_attempt_at = %(now)s
RETURNING attempts, failures, in_flight, locked_until
"""  # noqa: S608  (the table name is the model's; every value is a parameter)


class LoginSlowed(Throttled):
    code = "login_slowed"
    default_detail = "Too many failed sign-ins for this account; wait a moment and try again."


def normalise_username(username: str) -> str:
    """The account's login key, so that every spelling of one address shares one counter."""
    return login_key(username)[:254]


def failure_limit() -> int:
    return int(settings.NEXUS_LOGIN_FAILURE_LIMIT)


def failure_window() -> dt.timedelta:
    return dt.timedelta(seconds=int(settings.NEXUS_LOGIN_FAILURE_WINDOW_SECONDS))


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
    adapt = connection.ops.adapt_datetimefield_value
    params: dict[str, Any] = {
        "username": username,
        "ip": client.ip_address,
        "now": adapt(now),
        "window_ends": adapt(now + failure_window()),
        "settle_by": adapt(now + dt.timedelta(seconds=int(settings.NEXUS_LOGIN_ATTEMPT_SETTLE_SECONDS))),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_RESERVE_SQL, params)
        attempts, failures, in_flight, locked_until = cursor.fetchone()
    locked_until = counters.as_aware(locked_until) if locked_until is not None else None
    cooling = locked_until is not None and locked_until > now
    allowed = not cooling and failures + in_flight <= failure_limit()
    return Reservation(username, client.ip_address, attempts, allowed)


def seconds_until(moment: dt.datetime, now: dt.datetime) -> int:
    """Whole seconds to wait until ``moment`` (at least one): a Retry-After."""
    return max(math.ceil((moment - now).total_seconds()), 1)


def _account_counter(username: str, kind: str) -> str:
    """A per-account counter's name; the login key is hashed (no address in the counters)."""
    return f"accounts:login-{kind}:{hashlib.sha256(username.encode()).hexdigest()}"


def account_delay(over: int) -> dt.timedelta:
    """The pace of an account ``over`` failures past its limit: doubling, capped."""
    base = float(settings.NEXUS_LOGIN_ACCOUNT_DELAY_SECONDS)
    ceiling = float(settings.NEXUS_LOGIN_ACCOUNT_DELAY_MAX_SECONDS)
    return dt.timedelta(seconds=min(base * 2 ** min(max(over, 0), 32), ceiling))


def pace_account(username: str, *, now: dt.datetime | None = None) -> None:
    """Admit a check for the account, or raise ``LoginSlowed`` while it is paced.

    Below the account limit every attempt passes. Past it, the first attempt of each delay
    opens a pace window (one atomic count) and passes; the rest are told when to retry.
    """
    username = normalise_username(username)
    now = now or timezone.now()
    failures, _ = counters.current(_account_counter(username, "failures"), now=now)
    over = failures - int(settings.NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT)
    if over < 0:
        return
    counted, ends = counters.count_in_window(_account_counter(username, "pace"), account_delay(over), now=now)
    if counted > 1:
        wait = seconds_until(ends, now)
        detail = f"Too many failed sign-ins for this account; try again in {wait} seconds."
        raise LoginSlowed(detail, retry_after=wait)


def _count_account_failure(
    reservation: Reservation, user_id: int | None, client: ClientInfo, now: dt.datetime
) -> None:
    """Count a wrong password for the account; tell the owner once per window when it is paced."""
    failures, ends = counters.count_in_window(
        _account_counter(reservation.username, "failures"), failure_window(), now=now
    )
    if failures == int(settings.NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT) and user_id is not None:
        publish(
            "accounts.login_slowed",
            {"user_id": user_id, "failures": failures, "window_ends_at": ends, **client.event_fields()},
            tenant_id=None,
        )


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
        if throttle is not None:
            throttle.in_flight = max(throttle.in_flight - 1, 0)
            fields = ["in_flight"]
            if reservation.allowed:
                throttle.failures += 1
                throttle.user_id = user_id or throttle.user_id
                fields += ["failures", "user"]
                if throttle.failures >= failure_limit() and (
                    throttle.locked_until is None or throttle.locked_until <= now
                ):
                    throttle.lockouts += 1
                    throttle.locked_until = now + cooloff(throttle.lockouts)
                    fields += ["lockouts", "locked_until"]
                    started = throttle
            throttle.save(update_fields=fields)
        if reservation.allowed:
            _count_account_failure(reservation, user_id, client, now)
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
