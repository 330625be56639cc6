"""Viewsets of the receivable API (``/api/v1/credit-notes/``).

Credit notes with nested lines; ``issue``, ``apply`` and ``void`` as transition actions
(issuing numbers the note and fixes its total); drafts only may be edited or deleted.
"""

from django.db.models import Prefetch

from nexus.core.api.audited import AuditedModelMixin
from nexus.core.api.base import NexusModelViewSet
from nexus.core.api.documents import DraftDocumentViewSetMixin
from nexus.core.api.transitions import TransitionActionsMixin
from nexus.receivable.models import CreditNote, CreditNoteLine

from .serializers import CreditNoteSerializer


class CreditNoteViewSet(
    DraftDocumentViewSetMixin, AuditedModelMixin, TransitionActionsMixin, NexusModelViewSet
):
    queryset = (
        CreditNote.objects.select_related("customer", "currency", "sales_order")
        .prefetch_related(
            Prefetch("lines", CreditNoteLine.objects.select_related("sales_order_line").order_by("id"))
        )
        .order_by("-created_at", "-id")
    )
    serializer_class = CreditNoteSerializer
    filterset_fields = ["status", "customer", "sales_order", "currency", "issue_date"]
    search_fields = ["number", "reason", "customer__code", "customer__name", "sales_order__number"]
    ordering_fields = ["issue_date", "created_at", "number", "total", "id"]
