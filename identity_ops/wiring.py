"""Builds the identity flows' collaborators from the adapters named in settings.

``settings.IDENTITY_OPS_ADAPTERS`` maps a contract's name to the dotted path of its
implementation (as Django resolves ``EMAIL_BACKEND``); the orchestrator never imports a domain
or an adapter, only this module resolves them. Each is built once per process.
"""

import functools
from typing import Any, cast

from django.conf import settings
from django.utils.module_loading import import_string

from .contracts.auth import AuthEvents
from .contracts.mfa import MfaAuthenticators


@functools.cache
def _build(name: str) -> Any:
    try:
        path = settings.IDENTITY_OPS_ADAPTERS[name]
    except KeyError:
        raise LookupError(f"IDENTITY_OPS_ADAPTERS has no adapter for {name!r}") from None
    return import_string(path)()


def mfa_authenticators() -> MfaAuthenticators:
    return cast(MfaAuthenticators, _build("mfa_authenticators"))


def auth_events() -> AuthEvents:
    return cast(AuthEvents, _build("auth_events"))
