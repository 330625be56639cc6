"""Transfer orders, landed costs, dropship orders, cross-docks, RMAs and planning runs with their lines.

Create them inside ``scope.tenant(...)``.

Each is created as a draft; it moves on only through its workflow (``supply_chain_ops.workflows``),
as in production.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from nexus.inventory.models import LocationKind
from supply_chain_ops.models import (
    BalancingLine,
    BalancingRun,
    CrossDock,
    CrossDockLine,
    DropshipLine,
    DropshipOrder,
    LandedCost,
    LandedCostCharge,
    Promise,
    ReplenishmentLine,
    ReplenishmentRun,
    Rma,
    RmaLine,
    RmaReason,
    TransferOrder,
    TransferOrderLine,
    VendorLeadTime,
)
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.factories.procurement import VendorFactory
from tests.factories.sales import SalesOrderFactory, SalesOrderLineFactory


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


class DropshipOrderFactory(factory.django.DjangoModelFactory[DropshipOrder]):
    class Meta:
        model = DropshipOrder

    number = factory.Sequence(lambda n: f"DS-T-{n:06d}")
    sales_order = factory.SubFactory(SalesOrderFactory)
    sales_order_number = factory.SelfAttribute("sales_order.number")
    customer = factory.SelfAttribute("sales_order.customer")
    ship_to_name = factory.SelfAttribute("customer.name")


class DropshipLineFactory(factory.django.DjangoModelFactory[DropshipLine]):
    class Meta:
        model = DropshipLine

    order = factory.SubFactory(DropshipOrderFactory)
    sales_order_line = factory.SubFactory(
        SalesOrderLineFactory,
        order=factory.SelfAttribute("..order.sales_order"),
        dropship=True,
        warehouse=None,
    )
    product = factory.SelfAttribute("sales_order_line.product")
    sku = factory.SelfAttribute("product.sku")
    unit = factory.SelfAttribute("product.unit")
    quantity = factory.SelfAttribute("sales_order_line.quantity")


class CrossDockFactory(factory.django.DjangoModelFactory[CrossDock]):
    """A cross-dock record as the receipt listener leaves it (no stock behind it)."""

    class Meta:
        model = CrossDock

    number = factory.Sequence(lambda n: f"CD-T-{n:06d}")
    receipt_move_id = factory.Sequence(lambda n: 900_000 + n)
    product = factory.SubFactory(ProductFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    staging_location = factory.SubFactory(
        LocationFactory, warehouse=factory.SelfAttribute("..warehouse"), kind=LocationKind.STAGING
    )
    sku = factory.SelfAttribute("product.sku")
    unit = factory.SelfAttribute("product.unit")
    received_quantity = Decimal("10")
    staged_quantity = Decimal("4")


class CrossDockLineFactory(factory.django.DjangoModelFactory[CrossDockLine]):
    class Meta:
        model = CrossDockLine

    cross_dock = factory.SubFactory(CrossDockFactory)
    sales_order_line = factory.SubFactory(
        SalesOrderLineFactory, product=factory.SelfAttribute("..cross_dock.product")
    )
    order_number = factory.SelfAttribute("sales_order_line.order.number")
    promised_date = factory.LazyFunction(dt.date.today)
    quantity = Decimal("4")
    reservation_id = factory.Sequence(lambda n: 900_000 + n)


class RmaReasonFactory(factory.django.DjangoModelFactory[RmaReason]):
    class Meta:
        model = RmaReason

    code = factory.Sequence(lambda n: f"REASON-{n}")
    name = "Damaged in transit"


class RmaFactory(factory.django.DjangoModelFactory[Rma]):
    class Meta:
        model = Rma

    number = factory.Sequence(lambda n: f"RMA-T-{n:06d}")
    sales_order = factory.SubFactory(SalesOrderFactory)
    customer = factory.SelfAttribute("sales_order.customer")
    order_number = factory.SelfAttribute("sales_order.number")
    reason = factory.SubFactory(RmaReasonFactory)
    requested_resolution = "refund"
    warehouse = factory.SelfAttribute("sales_order.warehouse")
    currency = factory.SelfAttribute("sales_order.currency_id")


class RmaLineFactory(factory.django.DjangoModelFactory[RmaLine]):
    class Meta:
        model = RmaLine

    rma = factory.SubFactory(RmaFactory)
    sales_order_line = factory.SubFactory(
        SalesOrderLineFactory, order=factory.SelfAttribute("..rma.sales_order")
    )
    product = factory.SelfAttribute("sales_order_line.product")
    sku = factory.SelfAttribute("product.sku")
    unit = factory.SelfAttribute("product.unit")
    description = "Returned goods"
    unit_price = Decimal("25.000000")
    unit_cost = Decimal("2.000000")
    requested_quantity = Decimal("2")


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


class ReplenishmentRunFactory(factory.django.DjangoModelFactory[ReplenishmentRun]):
    """A run as it starts; runs are computed by ``workflows.replenishment.run_replenishment``."""

    class Meta:
        model = ReplenishmentRun

    number = factory.Sequence(lambda n: f"RR-T-{n:06d}")


class ReplenishmentLineFactory(factory.django.DjangoModelFactory[ReplenishmentLine]):
    class Meta:
        model = ReplenishmentLine

    run = factory.SubFactory(ReplenishmentRunFactory)
    product = factory.SubFactory(ProductFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    sku = factory.SelfAttribute("product.sku")
    kind = "purchase"
    quantity = Decimal("12")
    method = "ses"
    forecast_daily = Decimal("1")
    sigma_daily = Decimal("0")
    lead_time_days = 7
    lead_time_sigma = Decimal("0")
    lead_time_source = "quoted"
    safety_stock = Decimal("0")
    reorder_point = Decimal("7")
    order_up_to = Decimal("14")
    on_hand = Decimal("2")
    in_progress = Decimal("0")
    position = Decimal("2")
    wanted = Decimal("12")
    explanation = "Below its reorder point."


class BalancingRunFactory(factory.django.DjangoModelFactory[BalancingRun]):
    """A run as it starts; runs are computed by ``workflows.balancing.run_balancing``."""

    class Meta:
        model = BalancingRun

    number = factory.Sequence(lambda n: f"BR-T-{n:06d}")


class BalancingLineFactory(factory.django.DjangoModelFactory[BalancingLine]):
    class Meta:
        model = BalancingLine

    run = factory.SubFactory(BalancingRunFactory)
    product = factory.SubFactory(ProductFactory)
    sku = factory.SelfAttribute("product.sku")
    source_warehouse = factory.SubFactory(WarehouseFactory)
    destination_warehouse = factory.SubFactory(WarehouseFactory)
    quantity = Decimal("5")
    distance_km = Decimal("120.0")
    explanation = "From a surplus to a deficit."
