"""TOTP arithmetic (pyotp) with one step of drift either way and no code accepted twice."""

import datetime as dt
from dataclasses import dataclass

import pyotp
from django.conf import settings
from pyotp.utils import strings_equal

# One step (30 s) either side of the server's clock: a phone a little fast or slow still works.
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str) -> str:
    """The ``otpauth://`` URI an authenticator app scans (issuer from ``NEXUS_MFA_ISSUER``)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=settings.NEXUS_MFA_ISSUER)


def normalise_code(code: str) -> str:
    return "".join(code.split())


@dataclass(frozen=True)
class StepMatch:
    step: int


def match_step(secret: str, code: str, *, at: dt.datetime, after_step: int | None) -> StepMatch | None:
    """The time step (within the drift) whose code equals ``code``, if newer than ``after_step``.

    A step at or before ``after_step`` (the last one accepted) is refused: the same code, or an
    older one, cannot be replayed in its time window.
    """
    code = normalise_code(code)
    totp = pyotp.TOTP(secret)
    if len(code) != totp.digits or not code.isdigit():
        return None
    current = totp.timecode(at)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after_step is not None and step <= after_step:
            continue
        if strings_equal(code, totp.generate_otp(step)):
            return StepMatch(step)
    return None


def code_at(secret: str, at: dt.datetime) -> str:
    """The code an authenticator app shows at ``at`` (for tests and the demo)."""
    return pyotp.TOTP(secret).at(at)


def code_step(at: dt.datetime) -> int:
    """The time step ``at`` falls in."""
    return int(pyotp.TOTP(new_secret()).timecode(at))
