"""Rows with fields the stock ledger depends on (a location's warehouse and kind, a product's unit).

Whoever saves such a row — the API, the admin, a service, the shell — goes through the guard of
``services.ledger_bound``, which refuses the change while the ledger refers to the row.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nexus.core.models import TenantScopedModel


class LedgerBoundModel(TenantScopedModel):
    """A tenant row whose ledger-bound fields are checked under its lock on every save."""

    class Meta(TenantScopedModel.Meta):
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        # The guard lives with the services, which import the models.
        from nexus.inventory.services.ledger_bound import refuse_ledger_bound_change

        with transaction.atomic():
            refuse_ledger_bound_change(self, update_fields=kwargs.get("update_fields"))
            super().save(*args, **kwargs)

    def clean(self) -> None:
        """Forms (the admin) show the refusal on the fields it concerns, before anything is saved."""
        super().clean()
        from nexus.inventory.services.ledger_bound import LedgerBoundChange, refuse_ledger_bound_change

        try:
            refuse_ledger_bound_change(self)
        except LedgerBoundChange as refusal:
            raise ValidationError(dict.fromkeys(refusal.field_names, refusal.detail)) from refusal
