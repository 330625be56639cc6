"""``AuditedModelAdmin``: every save or delete in an admin screen leaves an audit event.

Mix it in before Unfold's ``ModelAdmin`` (``unfold.admin``)::

    @admin.register(Product)
    class ProductAdmin(AuditedModelAdmin, ModelAdmin):
        audit_exclude = ("internal_notes",)

Creations, changes and deletions record ``<app>.<model>.created|changed|deleted`` with
``{"changes": {field: [before, after]}}`` for the fields that changed, in the same transaction
as the save. Inline objects are audited by their own model's admin, not here. Saves and deletes
run under the row's lock, and a workflow record saves only the fields its form changed
(``LockedEditAdminMixin``).
"""

from typing import Any

from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from nexus.core.audit.changes import record_model_change, stored_values
from nexus.core.models.refs import ActorRef, ObjectRef

from .locking import LockedEditAdminMixin

_BEFORE = "_nexus_audit_before"


class AuditedModelAdmin(LockedEditAdminMixin):
    #: Fields never written to the audit trail (secrets, bulky derived values).
    audit_exclude: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # The event is recorded in ``save_related``, once many-to-many values are saved too.
        setattr(obj, _BEFORE, stored_values(obj, exclude=self.audit_exclude) if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(obj, _BEFORE, None)
        record_model_change(
            obj,
            "changed" if change else "created",
            actor=ActorRef.for_user(request.user),
            before=before,
            after=stored_values(obj, exclude=self.audit_exclude),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._delete_audited(
                request, obj, lambda: super(AuditedModelAdmin, self).delete_model(request, obj)
            )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset.select_for_update().order_by("pk"):
                self._delete_audited(request, obj, obj.delete)

    def _delete_audited(self, request: HttpRequest, obj: Any, delete: Any) -> None:
        ref = ObjectRef.for_instance(obj)
        before = stored_values(obj, exclude=self.audit_exclude)
        delete()
        record_model_change(
            obj, "deleted", actor=ActorRef.for_user(request.user), before=before, after=None, obj=ref
        )
