"""The receivable services: issuing credit notes, and drafting them from sales-order lines."""

from .credit_notes import (
    CREDIT_NOTE_DOC_TYPE,
    credit_note_total,
    draft_credit_note,
    issue_credit_note,
    lines_total,
)

__all__ = [
    "CREDIT_NOTE_DOC_TYPE",
    "credit_note_total",
    "draft_credit_note",
    "issue_credit_note",
    "lines_total",
]
