"""The full login: password (through the lockout backend), then a second factor where needed.

One path for the admin and the API. The password is checked by Django's ``authenticate()``,
which reaches ``LockoutEmailBackend`` (the failure counter comes first). A person with a
confirmed second factor gets a challenge instead of a login (``mfa.challenges``), answered with
a TOTP or recovery code within minutes, from the same client. A person whom a tenant policy
requires to use MFA but who has none, past the grace period, gets a login that may only enrol.
The login lasts no longer than the shortest lifetime any of the person's tenants asks for.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import login as start_session
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nexus.core import counters
from nexus.core.errors import InvalidInput, Throttled
from nexus.core.events import publish
from nexus.core.models.refs import ActorRef
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY

from . import lockout, token_families
from .client import ClientInfo, client_info
from .devices import open_device
from .login import INVALID_CREDENTIALS, Via, authenticate_credentials
from .mfa import challenges
from .mfa.authenticators import has_confirmed_mfa, verify_second_factor
from .mfa.policy import LoginPolicy, login_policy
from .models import Device, DeviceKind, LoginToken, User
from .stepup import mark_session_verified
from .tokens import IssuedToken, issue_login_token

# Set in a browser session that may only enrol a second factor (``enrolment_gate``).
ENROLMENT_ONLY_SESSION_KEY = "nexus_mfa_enrolment_only"
BACKEND = "nexus.accounts.login_backend.LockoutEmailBackend"
# Wrong step-up codes a person may send within the window before being told to wait.
STEP_UP_FAILURE_LIMIT = 5
STEP_UP_FAILURE_WINDOW = dt.timedelta(minutes=15)


class InvalidSecondFactor(InvalidInput):
    code = "invalid_code"
    default_detail = "The code is not valid."


class SecondFactorPaused(Throttled):
    code = "mfa_paused"
    default_detail = (
        "Too many wrong codes were entered for this account, so sign-in is paused for a while. "
        "If that was not you, someone knows your password: change it."
    )


class ChallengeExpired(InvalidInput):
    code = "mfa_challenge_invalid"
    default_detail = "This sign-in has expired or was already completed; sign in again with your password."


@dataclass(frozen=True)
class LoginOutcome:
    """A finished login (``device``; ``token`` for API logins) or a pending ``challenge``."""

    user: User
    policy: LoginPolicy
    device: Device | None = None
    token: IssuedToken | None = None
    challenge: challenges.Challenge | None = None

    @property
    def enrolment_only(self) -> bool:
        return bool(self.device and self.device.enrolment_only)


def begin_login(request: Any, email: str, password: str, *, via: Via) -> LoginOutcome:
    """Check the password; finish the login, or return a second-factor challenge.

    Raises ``InvalidInput`` (``invalid_credentials``) for any refused attempt — wrong password,
    unknown account, cooling-off pair, inactive account — with one message.
    """
    user = authenticate_credentials(request, email=email, password=password)
    return after_password(request, user, via=via)


def after_password(request: Any, user: User, *, via: Via) -> LoginOutcome:
    """The password was right (checked by ``authenticate()``): finish, or ask for the second factor."""
    policy = login_policy(user)
    client = client_info(request)
    if has_confirmed_mfa(user.pk):
        _require_codes_allowed(user.pk)
        challenge = challenges.create_challenge(user.pk, client, data={"via": via.value})
        return LoginOutcome(user=user, policy=policy, challenge=challenge)
    return finish_login(request, user, policy, client, via=via, mfa_used=False)


def answer_challenge(request: Any, challenge_id: str, code: str, *, via: Via) -> LoginOutcome:
    """Finish a login with a TOTP or recovery code; the challenge is single-use and bound to the client.

    Each code is counted before it is checked, against the challenge (closed after
    ``NEXUS_MFA_CHALLENGE_ATTEMPTS``) and against the account across challenges (paused for the
    rest of the window after ``NEXUS_MFA_ACCOUNT_FAILURE_LIMIT``; a right code clears it). A
    wrong code is published as a failed login; the one reaching the account's limit also tells
    the person that someone who knows their password is trying codes.
    """
    client = client_info(request)
    try:
        challenge = challenges.open_challenge(challenge_id, client)
    except challenges.ChallengeInvalid:
        raise ChallengeExpired(fields={"challenge_id": [ChallengeExpired.default_detail]}) from None
    if challenge.data.get("via") != via.value:
        raise ChallengeExpired(fields={"challenge_id": [ChallengeExpired.default_detail]})
    try:
        _require_codes_allowed(challenge.user_id)
        left = challenges.count_attempt(challenge)
    except challenges.ChallengeInvalid:
        raise ChallengeExpired(fields={"challenge_id": [ChallengeExpired.default_detail]}) from None
    except SecondFactorPaused:
        challenges.close_challenge(challenge)
        raise
    tried, window_ends = counters.count_in_window(
        mfa_failure_counter(challenge.user_id), lockout.failure_window()
    )
    if tried > mfa_failure_limit():  # parallel codes counted past the limit are never checked
        challenges.close_challenge(challenge)
        raise SecondFactorPaused(retry_after=lockout.seconds_until(window_ends, timezone.now()))
    method = verify_second_factor(challenge.user_id, code)
    if method is None:
        _wrong_code(challenge.user_id, client, tried=tried, window_ends=window_ends)
        detail = f"The code is not valid; {left} attempt{'s' if left != 1 else ''} left."
        if tried >= mfa_failure_limit():
            challenges.close_challenges_of(challenge.user_id)  # the account's codes are paused
            detail = SecondFactorPaused.default_detail
        elif not left:
            challenges.close_challenge(challenge)
            detail = "The code is not valid, and this sign-in is closed; sign in again with your password."
        raise InvalidSecondFactor(detail, fields={"code": [detail]})
    counters.clear(mfa_failure_counter(challenge.user_id))
    if not challenges.consume_challenge(challenge):
        raise ChallengeExpired(fields={"challenge_id": [ChallengeExpired.default_detail]})
    user = User.objects.filter(pk=challenge.user_id).first()
    if user is None or not user.is_active:
        raise InvalidInput(INVALID_CREDENTIALS, code="invalid_credentials")
    return finish_login(request, user, login_policy(user), client, via=via, mfa_used=True)


def mfa_failure_limit() -> int:
    return int(settings.NEXUS_MFA_ACCOUNT_FAILURE_LIMIT)


def mfa_failure_counter(user_id: int) -> str:
    return f"accounts:mfa-failures:{user_id}"


def _require_codes_allowed(user_id: int) -> None:
    """Raise ``SecondFactorPaused`` while the account used up its codes for the window."""
    now = timezone.now()
    tried, window_ends = counters.current(mfa_failure_counter(user_id), now=now)
    if tried >= mfa_failure_limit() and window_ends is not None:
        raise SecondFactorPaused(retry_after=lockout.seconds_until(window_ends, now))


def _wrong_code(user_id: int, client: ClientInfo, *, tried: int, window_ends: dt.datetime) -> None:
    """Publish the failed login; at the account's limit, tell the person (once per window)."""
    with transaction.atomic():
        publish(
            "accounts.login_failed",
            {"user_id": user_id, "username": "", "reason": "bad_second_factor", **client.event_fields()},
            tenant_id=None,
        )
        if tried == mfa_failure_limit():
            publish(
                "accounts.mfa_codes_guessed",
                {
                    "user_id": user_id,
                    "failures": tried,
                    "window_ends_at": window_ends,
                    **client.event_fields(),
                },
                tenant_id=None,
            )


def finish_login(
    request: Any, user: User, policy: LoginPolicy, client: ClientInfo, *, via: Via, mfa_used: bool
) -> LoginOutcome:
    """Start the session or issue the token, under the policy; publish ``accounts.login_succeeded``."""
    now = timezone.now()
    enrolment_only = policy.mfa_required and not mfa_used and policy.enrolment_overdue(now)
    new_device = not Device.objects.filter(user_id=user.pk, user_agent=client.user_agent).exists()
    issued = None
    with transaction.atomic():
        if via is Via.SESSION:
            start_session(request, user, backend=BACKEND)  # the user_logged_in receiver opens the device
            request.session.set_expiry(int(policy.session_lifetime.total_seconds()))
            if mfa_used:
                mark_session_verified(request, now)
            if enrolment_only:
                request.session[ENROLMENT_ONLY_SESSION_KEY] = True
            device = Device.objects.filter(
                user=user, kind=DeviceKind.SESSION, session_key=request.session.session_key
            ).first() or open_device(
                user, kind=DeviceKind.SESSION, client=client, session_key=request.session.session_key or ""
            )
        else:
            session = getattr(request, "session", None)
            selected = session.get(SELECTED_TENANT_SESSION_KEY) if session is not None else None
            device = open_device(user, kind=DeviceKind.TOKEN, client=client, tenant_id=selected)
            issued = issue_login_token(user, device, ttl=policy.session_lifetime)
            update_last_login(User, user)
            publish(
                "accounts.token_issued",
                {
                    "user_id": user.pk,
                    "token_id": issued.token.pk,
                    "family_id": device.pk,
                    "device_id": device.pk,
                    "expires_at": issued.token.expires_at,
                },
                tenant_id=None,
            )
        device.mfa_verified_at = now if mfa_used else None
        device.enrolment_only = enrolment_only
        device.save(update_fields=["mfa_verified_at", "enrolment_only"])
        token_families.enforce_login_limit(user, keep_device_id=device.pk)
        publish(
            "accounts.login_succeeded",
            {
                "user_id": user.pk,
                "device_id": device.pk,
                "new_device": new_device,
                "mfa_used": mfa_used,
                **client.event_fields(),
            },
            tenant_id=None,
        )
    return LoginOutcome(user=user, policy=policy, device=device, token=issued)


def current_device(request: Any) -> Device | None:
    """The login the request came with: its token's device, or its session's."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, LoginToken):
        return auth.device
    django_request = getattr(request, "_request", request)
    session = getattr(django_request, "session", None)
    if session is None or not session.session_key:
        return None
    return Device.objects.filter(
        kind=DeviceKind.SESSION, session_key=session.session_key, revoked_at__isnull=True
    ).first()


def change_password(request: Any, current: str, new: str) -> int:
    """Change the caller's password and end every other login (the current one stays).

    Returns how many logins were ended. Raises ``InvalidInput`` on ``current_password`` (not
    correct) or ``new_password`` (the validators' messages), changing nothing then.
    """
    user: User = request.user
    if not user.check_password(current):
        raise InvalidInput(fields={"current_password": ["Your current password is not correct."]})
    try:
        validate_password(new, user)
    except ValidationError as error:
        raise InvalidInput(fields={"new_password": list(error.messages)}) from error
    client = client_info(request)
    keep = current_device(request)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(new)
        locked.save(update_fields=["password"])
        ended = token_families.end_other_logins(
            locked,
            keep_device_id=keep.pk if keep else None,
            reason="password_changed",
            revoked_by=ActorRef.for_user(locked),
        )
        publish("accounts.password_changed", {"user_id": locked.pk, **client.event_fields()}, tenant_id=None)
    django_request = getattr(request, "_request", request)
    if keep is not None and keep.kind == DeviceKind.SESSION:
        update_session_auth_hash(django_request, locked)  # this session stays valid
    return ended


def step_up_counter(user_id: int) -> str:
    return f"accounts:step-up-attempts:{user_id}"


def prove_step_up(request: Any, code: str, *, at: dt.datetime | None = None) -> dt.datetime:
    """Record a fresh second factor for the caller's login; raise ``InvalidSecondFactor`` otherwise.

    Attempts are counted per person in the database before the code is checked, so parallel
    guesses cannot pass the limit together and losing the cache resets nothing; a right code
    clears the count. Raises ``Throttled`` past ``STEP_UP_FAILURE_LIMIT`` within the window.
    """
    user: User = request.user
    at = at or timezone.now()
    counter = step_up_counter(user.pk)
    if counters.count(counter, STEP_UP_FAILURE_WINDOW) > STEP_UP_FAILURE_LIMIT:
        raise Throttled("Too many wrong codes; wait a few minutes and try again.")
    if verify_second_factor(user.pk, code, at=at) is None:
        message = "The code is not valid."
        raise InvalidSecondFactor(message, fields={"code": [message]})
    counters.clear(counter)
    auth = getattr(request, "auth", None)
    if isinstance(auth, LoginToken):
        Device.objects.filter(pk=auth.device_id).update(mfa_verified_at=at)
        auth.device.mfa_verified_at = at
        return at
    mark_session_verified(getattr(request, "_request", request), at)
    device = current_device(request)
    if device is not None:
        Device.objects.filter(pk=device.pk).update(mfa_verified_at=at)
    return at
