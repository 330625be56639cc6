"""``AuditedModelMixin``: every create, update or delete through a viewset leaves an audit event.

Mix it in before the viewset base::

    class ProductViewSet(AuditedModelMixin, NexusModelViewSet):
        audit_exclude = ("internal_notes",)

Each write records ``<app>.<model>.created|changed|deleted`` with
``{"changes": {field: [before, after]}}`` for the fields that changed. The write and its event
share one transaction; on update the row is locked before "before" is read, so the event names
exactly the values this request overwrote.
"""

from typing import Any, cast

from django.db import transaction
from django.db.models import Model
from rest_framework.serializers import BaseSerializer

from nexus.core.audit.changes import record_model_change, stored_values
from nexus.core.models.refs import ActorRef, ObjectRef


class AuditedModelMixin:
    #: Fields never written to the audit trail (secrets, bulky derived values).
    audit_exclude: tuple[str, ...] = ()
    request: Any

    def _actor(self) -> ActorRef:
        return ActorRef.for_user(self.request.user)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        with transaction.atomic():
            super().perform_create(serializer)  # type: ignore[misc]
            instance = cast(Model, serializer.instance)  # set by the save / the detail lookup
            record_model_change(
                instance,
                "created",
                actor=self._actor(),
                before=None,
                after=stored_values(instance, exclude=self.audit_exclude),
            )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        with transaction.atomic():
            instance = cast(Model, serializer.instance)  # set by the save / the detail lookup
            before = stored_values(instance, exclude=self.audit_exclude)
            super().perform_update(serializer)  # type: ignore[misc]
            record_model_change(
                instance,
                "changed",
                actor=self._actor(),
                before=before,
                after=stored_values(instance, exclude=self.audit_exclude),
            )

    def perform_destroy(self, instance: Any) -> None:
        with transaction.atomic():
            ref = ObjectRef.for_instance(instance)
            before = stored_values(instance, exclude=self.audit_exclude)
            super().perform_destroy(instance)  # type: ignore[misc]
            record_model_change(instance, "deleted", actor=self._actor(), before=before, after=None, obj=ref)
