"""Transfer orders and landed costs with their lines. Create them inside ``scope.tenant(...)``.

Each is created as a draft; it moves on only through its workflow (``supply_chain_ops.workflows``),
as in production.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from supply_chain_ops.models import (
    LandedCost,
    LandedCostCharge,
    Promise,
    TransferOrder,
    TransferOrderLine,
    VendorLeadTime,
)
from tests.factories.inventory import ProductFactory, WarehouseFactory
from tests.factories.procurement import VendorFactory
from tests.factories.sales import SalesOrderLineFactory


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


class LandedCostFactory(factory.django.DjangoModelFactory[LandedCost]):
    class Meta:
        model = LandedCost

    number = factory.Sequence(lambda n: f"LC-T-{n:06d}")
    description = "Freight"


class LandedCostChargeFactory(factory.django.DjangoModelFactory[LandedCostCharge]):
    class Meta:
        model = LandedCostCharge

    landed_cost = factory.SubFactory(LandedCostFactory)
    amount = Decimal("120.0000")
    currency_id = "USD"


class PromiseFactory(factory.django.DjangoModelFactory[Promise]):
    """An open quote; promises are made by ``workflows.promises.promise`` in production."""

    class Meta:
        model = Promise

    sales_line = factory.SubFactory(SalesOrderLineFactory)
    order_number = factory.SelfAttribute("sales_line.order.number")
    product = factory.SelfAttribute("sales_line.product")
    warehouse = factory.SelfAttribute("sales_line.warehouse")
    quantity = Decimal("2")
    promised_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=3))
    kind = "quote"
    basis = "atp"
    confidence = Decimal("1")
    actor_kind = "system"
    actor_label = "tests"


class VendorLeadTimeFactory(factory.django.DjangoModelFactory[VendorLeadTime]):
    class Meta:
        model = VendorLeadTime

    vendor = factory.SubFactory(VendorFactory)
    product = factory.SubFactory(ProductFactory)
    days = 12
    mean_days = Decimal("10")
    sigma_days = Decimal("1.2")
    on_time_rate = Decimal("0.8")
    confidence = Decimal("0.8")
    receipts_counted = 5
    quoted_days = 10
    source = "history"
    computed_at = factory.LazyFunction(timezone.now)
