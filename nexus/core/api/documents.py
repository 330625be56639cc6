"""Viewsets of business documents: drafts only are changed or deleted, checked under the row lock.

Mix ``DraftDocumentViewSetMixin`` in first, before the audit mixin and ``NexusModelViewSet``
(which locks the row for updates and deletes). A change or delete of a document past draft is a
409 ``already_posted`` and changes nothing. Deleting goes through ``delete_draft`` (lock, check,
audit); a domain whose drafts hold something to give back (a sales order's reservations)
overrides ``delete_draft`` with its own service.
"""

from typing import Any

from nexus.core.editing import delete_draft, refuse_unless_draft
from nexus.core.models.refs import ActorRef


class DraftDocumentViewSetMixin:
    request: Any

    def check_writable(self, instance: Any) -> None:
        refuse_unless_draft(instance)

    def perform_destroy(self, instance: Any) -> None:
        # The deleting service audits the deletion itself (the audit mixin's delete is not used).
        self.delete_draft(instance)

    def delete_draft(self, instance: Any) -> None:
        """Delete the draft through its service; the default deletes it and its lines, audited."""
        delete_draft(instance, actor=ActorRef.for_user(self.request.user))
