"""Transition handlers for the identity admin and API: every button and endpoint runs a flow.

The kernel's admin and API mixins call a handler per transition with a ``TransitionRequest``
and render the ``TransitionResult``; these hand the request to the lifecycle and invitation
flows (which add the revocations, notices and events) and return the row as it is now.
"""

from typing import Any

from django.db.models import Model

from identity_ops.contracts.directory import Moved
from identity_ops.workflows.invitations import revoke_invitation
from identity_ops.workflows.lifecycle import move_membership, move_person
from nexus.core.audit.recording import scope_admitting
from nexus.core.models import TransitionLog
from nexus.core.transitions import TransitionHandler, TransitionRequest, TransitionResult


def _result(instance: Model, moved: Moved, *, tenant_id: int | None) -> TransitionResult:
    fresh: Any = type(instance)._default_manager.get(pk=instance.pk)
    # The log row lives with the row's tenant (none for a person), whatever tenant is selected.
    with scope_admitting(tenant_id):
        log = TransitionLog._base_manager.get(pk=moved.log_id)
    return TransitionResult(instance=fresh, log=log, replayed=moved.replayed)


def membership_transition(request: TransitionRequest) -> TransitionResult:
    moved = move_membership(
        request.instance.pk,
        request.name,
        actor=request.actor,
        reason=request.reason,
        idempotency_key=request.idempotency_key,
    )
    return _result(request.instance, moved, tenant_id=getattr(request.instance, "tenant_id", None))


def person_transition(request: TransitionRequest) -> TransitionResult:
    moved = move_person(
        request.instance.pk,
        request.name,
        actor=request.actor,
        reason=request.reason,
        idempotency_key=request.idempotency_key,
    )
    return _result(request.instance, moved, tenant_id=None)


def invitation_revoke(request: TransitionRequest) -> TransitionResult:
    return revoke_invitation(
        request.instance.pk,
        actor=request.actor,
        reason=request.reason,
        idempotency_key=request.idempotency_key,
    )


MEMBERSHIP_TRANSITIONS = ("suspend", "reinstate", "remove")
PERSON_TRANSITIONS = ("activate", "suspend", "reinstate", "deactivate", "reactivate")
INVITATION_TRANSITIONS = ("revoke",)

MEMBERSHIP_HANDLERS: dict[str, TransitionHandler] = dict.fromkeys(
    MEMBERSHIP_TRANSITIONS, membership_transition
)
PERSON_HANDLERS: dict[str, TransitionHandler] = dict.fromkeys(PERSON_TRANSITIONS, person_transition)
INVITATION_HANDLERS: dict[str, TransitionHandler] = {"revoke": invitation_revoke}
