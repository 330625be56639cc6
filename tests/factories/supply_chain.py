"""Transfer orders and their lines. Create them inside ``scope.tenant(...)``.

A transfer is created as a draft with its lines; it moves on only through the workflow
(``supply_chain_ops.workflows.transfers``), as in production.
"""

import datetime as dt
from decimal import Decimal

import factory

from supply_chain_ops.models import TransferOrder, TransferOrderLine
from tests.factories.inventory import ProductFactory, WarehouseFactory


class TransferOrderFactory(factory.django.DjangoModelFactory[TransferOrder]):
    class Meta:
        model = TransferOrder

    number = factory.Sequence(lambda n: f"TO-T-{n:06d}")
    source_warehouse = factory.SubFactory(WarehouseFactory)
    destination_warehouse = factory.SubFactory(WarehouseFactory)
    ship_date = factory.LazyFunction(dt.date.today)
    expected_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=3))


class TransferOrderLineFactory(factory.django.DjangoModelFactory[TransferOrderLine]):
    class Meta:
        model = TransferOrderLine

    order = factory.SubFactory(TransferOrderFactory)
    product = factory.SubFactory(ProductFactory)
    sku = factory.SelfAttribute("product.sku")
    unit = factory.SelfAttribute("product.unit")
    quantity = Decimal("5")
