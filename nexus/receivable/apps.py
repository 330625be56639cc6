from django.apps import AppConfig


class ReceivableConfig(AppConfig):
    name = "nexus.receivable"
    label = "receivable"
    verbose_name = "Receivable"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.core.sequences import require_gap_free
        from nexus.core.transitions import declare_writes

        from .models import CreditNote
        from .services.credit_notes import CREDIT_NOTE_DOC_TYPE, number_and_total

        # Credit notes are fiscal documents: their numbers have no gaps.
        require_gap_free(CREDIT_NOTE_DOC_TYPE)
        # Whoever issues a note checks, numbers and totals it (docs/kernel.md).
        declare_writes(CreditNote, "issue", number_and_total)
