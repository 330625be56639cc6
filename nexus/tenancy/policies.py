"""Changing a tenant's policies (``Tenant.policies``): locked, merged, audited.

The security policies (who must use a second factor, how long logins and step-ups last, the
refresh grace) need a recent second factor from whoever changes them; the caller checks that.
A value of None removes the policy, so its default applies again.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from nexus.core.audit import record_event
from nexus.core.models.refs import ActorRef, ObjectRef

from .models import Tenant

SECURITY_POLICIES = frozenset(
    {
        "mfa_required_roles",
        "mfa_grace_days",
        "session_lifetime_minutes",
        "refresh_grace_seconds",
        "step_up_minutes",
    }
)


def change_policies(tenant_id: int, changes: Mapping[str, Any], *, actor: ActorRef) -> Tenant:
    """Apply ``changes`` to the tenant's policies; record what changed (before, after) if anything."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
        before = dict(tenant.policies or {})
        after = {**before, **{key: value for key, value in changes.items() if value is not None}}
        for key in [key for key, value in changes.items() if value is None]:
            after.pop(key, None)
        changed = {
            key: [before.get(key), after.get(key)]
            for key in sorted(changes)
            if before.get(key) != after.get(key)
        }
        if changed:
            tenant.policies = after
            tenant.save(update_fields=["policies"])
            record_event(
                "tenancy.policies_changed",
                actor=actor,
                obj=ObjectRef.for_instance(tenant),
                data={"changes": changed},
                tenant_id=tenant_id,
            )
    return tenant
