"""Ending a person's logins: their sessions and tokens, everywhere or in one tenant.

Called inside the transaction of the change that requires it (a suspension, a removal, a
password reset), so the logins end exactly when the change commits. Session data is deleted
through the configured session store: with the database store (the default) that delete is
part of the same transaction. Tokens are marked revoked (kept until the purge rule removes
them), and every revocation is audited and published as ``accounts.token_revoked``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.events import publish
from nexus.core.models.refs import ActorKind, ActorRef, ObjectRef
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY

from .models_access import Device, DeviceKind, LoginToken


@dataclass(frozen=True)
class Revoked:
    """What was ended for one person: tokens, the token devices (families) they belonged to, sessions."""

    user_id: int
    token_ids: list[int] = field(default_factory=list)
    token_device_ids: list[int] = field(default_factory=list)
    session_device_ids: list[int] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.token_ids or self.session_device_ids)


def session_store(session_key: str) -> SessionBase:
    """The configured session engine's store for one session."""
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def revoke_access(
    user_ids: Iterable[int],
    *,
    reason: str,
    revoked_by: ActorRef,
    tenant_id: int | None = None,
    keep_device_id: int | None = None,
) -> dict[int, Revoked]:
    """End the people's logins; return what was ended per person (those with nothing are left out).

    ``tenant_id=None`` ends everything: every live token and every session (a change to the
    person: suspension, deactivation, password reset). With a tenant, only the sessions whose
    selected tenant it is (a change to one membership); tokens need nothing then, since every
    API request re-checks the membership of the tenant it names. ``keep_device_id`` spares the
    caller's own login. Locks the people's live tokens and devices (by id).
    """
    people = sorted(set(user_ids))
    if not people:
        return {}
    now = timezone.now()
    ended: dict[int, Revoked] = {}
    with transaction.atomic():
        devices = list(
            Device.objects.select_for_update()
            .filter(user_id__in=people, revoked_at__isnull=True)
            .exclude(pk__in=[keep_device_id] if keep_device_id is not None else [])
            .order_by("pk")
        )
        tokens: list[LoginToken] = []
        if tenant_id is None:
            tokens = list(
                LoginToken.objects.select_for_update()
                .filter(user_id__in=people, revoked_at__isnull=True)
                .exclude(device_id__in=[keep_device_id] if keep_device_id is not None else [])
                .order_by("pk")
            )
        sessions = [
            device
            for device in devices
            if device.kind == DeviceKind.SESSION and _session_in_scope(device.session_key, tenant_id)
        ]
        token_devices = [d for d in devices if d.kind == DeviceKind.TOKEN] if tenant_id is None else []
        ending = {device.pk for device in [*sessions, *token_devices]}
        for device in sessions:
            session_store(device.session_key).delete()
        Device.objects.filter(pk__in=ending).update(revoked_at=now, revoked_reason=reason[:64])
        LoginToken.objects.filter(pk__in=[t.pk for t in tokens]).update(
            revoked_at=now, revoked_reason=reason[:64]
        )
        for user_id in people:
            result = Revoked(
                user_id=user_id,
                token_ids=[t.pk for t in tokens if t.user_id == user_id],
                token_device_ids=[d.pk for d in token_devices if d.user_id == user_id],
                session_device_ids=[d.pk for d in sessions if d.user_id == user_id],
            )
            if result.anything:
                ended[user_id] = result
                _record(result, reason=reason, revoked_by=revoked_by, tenant_id=tenant_id)
    return ended


def end_device(device: Device, *, reason: str, revoked_by: ActorRef) -> Revoked:
    """End one login (logout): its session or its tokens."""
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        now = timezone.now()
        token_ids = list(
            LoginToken.objects.filter(device=locked, revoked_at__isnull=True).values_list("pk", flat=True)
        )
        LoginToken.objects.filter(pk__in=token_ids).update(revoked_at=now, revoked_reason=reason[:64])
        sessions: list[int] = []
        if locked.kind == DeviceKind.SESSION and locked.session_key:
            session_store(locked.session_key).delete()
            sessions = [locked.pk]
        if locked.revoked_at is None:
            locked.revoked_at, locked.revoked_reason = now, reason[:64]
            locked.save(update_fields=["revoked_at", "revoked_reason"])
        families = [locked.pk] if locked.kind == DeviceKind.TOKEN else []
        result = Revoked(
            user_id=locked.user_id,
            token_ids=token_ids,
            token_device_ids=families,
            session_device_ids=sessions,
        )
        if token_ids or families:
            _publish(result, reason=reason, revoked_by=revoked_by)
    return result


def _session_in_scope(session_key: str, tenant_id: int | None) -> bool:
    if not session_key:
        return False
    if tenant_id is None:
        return True
    data: dict[str, Any] = session_store(session_key).load()
    return data.get(SELECTED_TENANT_SESSION_KEY) == tenant_id


def _record(result: Revoked, *, reason: str, revoked_by: ActorRef, tenant_id: int | None) -> None:
    record_event(
        "accounts.access_revoked",
        actor=revoked_by,
        obj=ObjectRef("accounts.user", str(result.user_id)),
        data={
            "reason": reason,
            "tenant_id": tenant_id,
            "token_ids": result.token_ids,
            "token_device_ids": result.token_device_ids,
            "session_device_ids": result.session_device_ids,
        },
        tenant_id=None,
    )
    if result.token_ids or result.token_device_ids:
        _publish(result, reason=reason, revoked_by=revoked_by)


def _publish(result: Revoked, *, reason: str, revoked_by: ActorRef) -> None:
    publish(
        "accounts.token_revoked",
        {
            "user_id": result.user_id,
            "token_ids": result.token_ids,
            # A token device is its tokens' family (refreshes stay on the device).
            "family_ids": result.token_device_ids,
            "reason": reason,
            "revoked_by": int(revoked_by.id) if revoked_by.kind == ActorKind.USER and revoked_by.id else None,
        },
        tenant_id=None,
    )
