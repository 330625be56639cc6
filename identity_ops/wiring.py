"""Builds the identity flows' collaborators from the adapters named in settings.

``settings.IDENTITY_OPS_ADAPTERS`` maps a contract's name to the dotted path of its
implementation (as Django resolves ``EMAIL_BACKEND``); the orchestrator never imports a domain
or an adapter, only this module resolves them. Each is built once per process.
"""

import functools
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils.module_loading import import_string

from .contracts.access import AccessControl
from .contracts.auth import AuthEvents
from .contracts.directory import MembershipDirectory, PeopleDirectory, TenantDirectory
from .contracts.mfa import MfaAuthenticators
from .contracts.notifications import Notifier


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


def people() -> PeopleDirectory:
    return cast(PeopleDirectory, _build("people"))


def memberships() -> MembershipDirectory:
    return cast(MembershipDirectory, _build("memberships"))


def tenants() -> TenantDirectory:
    return cast(TenantDirectory, _build("tenants"))


def access() -> AccessControl:
    return cast(AccessControl, _build("access"))


def notifier() -> Notifier:
    return cast(Notifier, _build("notifier"))


# Model classes for the admin and API screens of people and memberships (display and querysets
# only; changes go through the contracts above). Resolved from the app registry, by name.
def user_model() -> type[Model]:
    return get_user_model()


def membership_model() -> type[Model]:
    return apps.get_model(settings.IDENTITY_OPS_MEMBERSHIP_MODEL)


def tenant_model() -> type[Model]:
    return apps.get_model(settings.IDENTITY_OPS_TENANT_MODEL)


def device_model() -> type[Model]:
    return apps.get_model(settings.IDENTITY_OPS_DEVICE_MODEL)
