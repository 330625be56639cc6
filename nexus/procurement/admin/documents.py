"""The kernel's document admin, numbering new procurement documents from this app's sequences."""

from typing import Any

from nexus.core.admin.documents import DocumentAdmin as KernelDocumentAdmin
from nexus.core.admin.documents import DraftLinesInline
from nexus.procurement.services import assign_number

__all__ = ["DocumentAdmin", "DraftLinesInline"]


class DocumentAdmin(KernelDocumentAdmin):
    def number_new_document(self, obj: Any) -> None:
        assign_number(obj)
