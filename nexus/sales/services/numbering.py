"""Document numbers of the sales documents (``SO-2026-000042``)."""

from django.db import models

from nexus.core.sequences import next_number
from nexus.sales.models import SalesOrder, Shipment

DOC_TYPES: dict[type[models.Model], str] = {SalesOrder: "SO", Shipment: "SH"}


def assign_number(document: SalesOrder | Shipment) -> None:
    """Give a new document the next number of its type (in the current tenant), if it has none."""
    if not document.number:
        document.number = next_number(DOC_TYPES[type(document)])
