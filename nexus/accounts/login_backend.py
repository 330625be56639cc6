"""The authentication backend every login goes through (admin form, API login): lockout first.

Django's ``authenticate()`` reaches this backend from the admin's login form and from the API's
login service alike, so the failure counter applies to both with no second code path.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from . import lockout
from .backends import EmailBackend
from .client import client_info
from .models import User

REASON_BAD_CREDENTIALS = "bad_credentials"
REASON_INACTIVE = "inactive_account"
REASON_COOLING_OFF = "cooling_off"


class LockoutEmailBackend(EmailBackend):
    """Count the attempt for (username, client address) before checking the password.

    An account paced after too many failures from anywhere raises ``LoginSlowed`` (429, with
    the wait) before anything is counted.
    An attempt over the limit, or while the pair cools off, is refused without looking at the
    password and answers like a wrong password (``None``). A correct password for an inactive
    account is a failure too: the answer must not tell which accounts exist or are active.
    """

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        client = client_info(request)
        lockout.pace_account(username)
        reservation = lockout.reserve_attempt(username, client)
        known = User.objects.by_address(username)
        if not reservation.allowed:
            lockout.record_failure(
                reservation, user_id=known.pk if known else None, reason=REASON_COOLING_OFF, client=client
            )
            return None
        user = ModelBackend.authenticate(self, request, username=username, password=password)
        if user is None:
            inactive = known is not None and not self.user_can_authenticate(known)
            reason = REASON_INACTIVE if inactive else REASON_BAD_CREDENTIALS
            lockout.record_failure(
                reservation, user_id=known.pk if known else None, reason=reason, client=client
            )
            return None
        lockout.record_success(reservation)
        return user
