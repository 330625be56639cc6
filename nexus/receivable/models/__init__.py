"""The receivable domain's models."""

from .credit_notes import CREDIT_NOTE_ISSUED, CreditNote, CreditNoteLine, CreditNoteStatus

__all__ = ["CREDIT_NOTE_ISSUED", "CreditNote", "CreditNoteLine", "CreditNoteStatus"]
