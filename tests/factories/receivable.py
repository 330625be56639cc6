"""Credit notes. Create them inside ``scope.tenant(...)``; they are issued through the services."""

from decimal import Decimal

import factory

from nexus.receivable.models import CreditNote, CreditNoteLine
from tests.factories.sales import CustomerFactory


class CreditNoteFactory(factory.django.DjangoModelFactory[CreditNote]):
    class Meta:
        model = CreditNote

    customer = factory.SubFactory(CustomerFactory)
    currency_id = factory.SelfAttribute("customer.currency_id")
    reason = "Goodwill"


class CreditNoteLineFactory(factory.django.DjangoModelFactory[CreditNoteLine]):
    class Meta:
        model = CreditNoteLine

    credit_note = factory.SubFactory(CreditNoteFactory)
    description = "Credit"
    quantity = Decimal("1")
    unit_price = Decimal("10.000000")
