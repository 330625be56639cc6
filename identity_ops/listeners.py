"""Reactions to authentication events: an audit event for each, a security alert where it matters.

The accounts mechanisms publish the events (login, lockout, logout, passwords, second factors,
tokens); these listeners run after commit through the outbox, once each. Audit events go to the
event's chain — the global one for a login, which belongs to no tenant; the tenant's for a
service token — with the actor and object as plain references; the address, user agent and
typed username are personal data, kept in the erasable column.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from identity_ops.contracts.auth import Person
from identity_ops.contracts.mfa import Client
from identity_ops.wiring import auth_events
from nexus.core.audit import record_event
from nexus.core.events import EventEnvelope, listener
from nexus.core.models.refs import ANONYMOUS, ActorKind, ActorRef, ObjectRef


@dataclass(frozen=True)
class Alert:
    summary: str
    details: str = ""


def _client(payload: Mapping[str, Any]) -> Client:
    return Client(ip_address=payload.get("ip_address") or "", user_agent=payload.get("user_agent") or "")


def _personal(payload: Mapping[str, Any], *extra: str) -> dict[str, Any] | None:
    keys = ("ip_address", "user_agent", *extra)
    found = {key: payload[key] for key in keys if payload.get(key)}
    return found or None


def _person_ref(person: Person | None, user_id: int) -> ActorRef:
    return ActorRef(ActorKind.USER, str(user_id), person.label if person else "")


def _object(person: Person | None, user_id: int | None) -> ObjectRef | None:
    if user_id is None:
        return None
    return ObjectRef("accounts.user", str(user_id), person.label if person else "")


def _audit(
    event: EventEnvelope,
    payload: Mapping[str, Any],
    *,
    data_keys: tuple[str, ...],
    actor_key: str | None = "user_id",
    personal_keys: tuple[str, ...] = (),
) -> dict[int, Person]:
    """Record ``event`` in the global chain; return the people it names (one query)."""
    ids = [payload[key] for key in ("user_id", actor_key) if key and payload.get(key)]
    people = auth_events().people(sorted(set(ids)))
    user_id = payload.get("user_id")
    actor_id = payload.get(actor_key) if actor_key else None
    if actor_key is None:
        actor = ANONYMOUS  # an attempt to log in: nobody is authenticated yet
    elif actor_id is None:
        actor = ActorRef.system("accounts")
    else:
        actor = _person_ref(people.get(actor_id), actor_id)
    record_event(
        event.name,
        actor=actor,
        obj=_object(people.get(user_id) if user_id else None, user_id),
        data={key: payload.get(key) for key in data_keys},
        personal=_personal(payload, *personal_keys),
        tenant_id=event.tenant_id,  # a login's events have none; a service token's, its tenant
    )
    return people


def _alert(payload: Mapping[str, Any], event: EventEnvelope, alert: Alert) -> None:
    user_id = payload.get("user_id")
    if user_id:
        auth_events().security_alert(
            user_id,
            alert.summary,
            details=alert.details,
            client=_client(payload),
            at=event.occurred_at.isoformat(),
        )


def _react(
    name: str,
    *,
    data_keys: tuple[str, ...],
    actor_key: str | None = "user_id",
    personal_keys: tuple[str, ...] = (),
    alert: Callable[[Mapping[str, Any]], Alert | None] | None = None,
) -> None:
    def react(payload: dict[str, Any], event: EventEnvelope) -> None:
        _audit(event, payload, data_keys=data_keys, actor_key=actor_key, personal_keys=personal_keys)
        chosen = alert(payload) if alert is not None else None
        if chosen is not None:
            _alert(payload, event, chosen)

    react.__name__ = react.__qualname__ = f"on_{name.split('.', 1)[1]}"
    listener(name, name=f"identity_ops.listeners.on_{name.split('.', 1)[1]}")(react)


def _new_device(payload: Mapping[str, Any]) -> Alert | None:
    if not payload["new_device"]:
        return None
    return Alert("New sign-in to your account", "Your account was used to sign in from a new device.")


def _locked_out(payload: Mapping[str, Any]) -> Alert:
    return Alert(
        "Sign-in paused after repeated failures",
        f"After {payload['failures']} failed attempts from one address, sign-in from there is paused "
        f"until {payload['locked_until']}.",
    )


_react(
    "accounts.login_succeeded",
    data_keys=("device_id", "new_device", "mfa_used"),
    alert=_new_device,
)
_react(
    "accounts.login_failed",
    data_keys=("reason",),
    actor_key=None,
    personal_keys=("username",),
)
_react(
    "accounts.locked_out",
    data_keys=("failures", "locked_until"),
    actor_key=None,
    personal_keys=("username",),
    alert=_locked_out,
)
_react(
    "accounts.login_slowed",
    data_keys=("failures", "window_ends_at"),
    actor_key=None,
    alert=lambda p: Alert(
        "Many failed sign-ins to your account",
        f"{p['failures']} wrong passwords were tried for your account from several places, so "
        f"sign-in to it is slowed down until {p['window_ends_at']}. You can still sign in; if "
        "this was not you, choose a stronger password.",
    ),
)
_react(
    "accounts.mfa_codes_guessed",
    data_keys=("failures", "window_ends_at"),
    alert=lambda p: Alert(
        "Someone who knows your password is trying codes",
        f"Your password was entered correctly, then {p['failures']} wrong second-factor codes; "
        f"sign-in to your account is paused until {p['window_ends_at']}. If this was not you, "
        "change your password now.",
    ),
)
_react("accounts.logged_out", data_keys=("device_id",))
_react(
    "accounts.password_changed",
    data_keys=(),
    alert=lambda p: Alert("Your password was changed", "Every other session and token was signed out."),
)
_react(
    "accounts.password_reset",
    data_keys=(),
    alert=lambda p: Alert("Your password was reset", "Every other session and token was signed out."),
)
_react(
    "accounts.mfa_enrolled",
    data_keys=("authenticator_id", "method"),
    alert=lambda p: Alert("A second factor was added to your account"),
)
_react(
    "accounts.mfa_removed",
    data_keys=("authenticator_id", "method"),
    alert=lambda p: Alert("A second factor was removed from your account"),
)
_react(
    "accounts.mfa_reset",
    data_keys=("reason",),
    actor_key="operator_id",
    alert=lambda p: Alert(
        "Your second factors were reset by an administrator",
        f"Reason given: {p['reason']}. You will be asked to set up a second factor again.",
    ),
)
_react("accounts.token_issued", data_keys=("token_id", "family_id", "device_id", "expires_at"))
_react("accounts.token_rotated", data_keys=("token_id", "previous_token_id", "family_id"))
_react(
    "accounts.token_replayed",
    data_keys=("token_id", "family_id"),
    alert=lambda p: Alert(
        "A used sign-in token was presented again",
        "A token that had already been refreshed was used; that sign-in was ended everywhere "
        "as a precaution. If you did not expect this, change your password.",
    ),
)
_react(
    "accounts.token_revoked",
    data_keys=("token_ids", "family_ids", "reason", "revoked_by"),
    actor_key="revoked_by",
)
_react(
    "accounts.service_token_created",
    data_keys=("token_id", "name", "scopes", "expires_at"),
    actor_key="created_by",
)
