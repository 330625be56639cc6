from django.apps import AppConfig


class ReceivableConfig(AppConfig):
    name = "nexus.receivable"
    label = "receivable"
    verbose_name = "Receivable"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.core.sequences import require_gap_free

        from .services import CREDIT_NOTE_DOC_TYPE

        # Credit notes are fiscal documents: their numbers have no gaps.
        require_gap_free(CREDIT_NOTE_DOC_TYPE)
