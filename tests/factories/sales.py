"""Customers and sales documents. Create them inside ``scope.tenant(...)``.

Orders are created as drafts with their lines; they move on only through the services
(``confirm_order``, ``post_shipment`` ...), as in production.
"""

import datetime as dt
from decimal import Decimal

import factory

from nexus.sales.models import Customer, SalesOrder, SalesOrderLine, Shipment, ShipmentLine
from tests.factories.inventory import ProductFactory, WarehouseFactory


class CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"Customer {n}")
    currency_id = "USD"
    city = "Hamburg"
    country = "DE"
    latitude = Decimal("53.551086")
    longitude = Decimal("9.993682")


class SalesOrderFactory(factory.django.DjangoModelFactory[SalesOrder]):
    class Meta:
        model = SalesOrder

    number = factory.Sequence(lambda n: f"SO-T-{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    currency_id = factory.SelfAttribute("customer.currency_id")
    warehouse = factory.SubFactory(WarehouseFactory)


class SalesOrderLineFactory(factory.django.DjangoModelFactory[SalesOrderLine]):
    class Meta:
        model = SalesOrderLine

    order = factory.SubFactory(SalesOrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("4")
    unit_price = Decimal("25.000000")
    requested_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=3))
    warehouse = factory.SelfAttribute("order.warehouse")


class ShipmentFactory(factory.django.DjangoModelFactory[Shipment]):
    class Meta:
        model = Shipment

    number = factory.Sequence(lambda n: f"SH-T-{n:06d}")
    sales_order = factory.SubFactory(SalesOrderFactory)
    warehouse = factory.SelfAttribute("sales_order.warehouse")


class ShipmentLineFactory(factory.django.DjangoModelFactory[ShipmentLine]):
    class Meta:
        model = ShipmentLine

    shipment = factory.SubFactory(ShipmentFactory)
    sales_order_line = factory.SubFactory(
        SalesOrderLineFactory, order=factory.SelfAttribute("..shipment.sales_order")
    )
    quantity = Decimal("4")
