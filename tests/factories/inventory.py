"""Products, warehouses and locations. Create them inside ``scope.tenant(...)``.

Stock itself is never made by factories: tests post it through the inventory services, so
every balance a test sees was made the way production makes it.
"""

from decimal import Decimal

import factory

from nexus.inventory.models import Location, LocationKind, Product, Warehouse, WarehouseKind


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    unit = "pcs"
    unit_decimals = 0
    unit_weight = Decimal("1.2500")
    unit_volume = Decimal("0.002000")


class WarehouseFactory(factory.django.DjangoModelFactory[Warehouse]):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    kind = WarehouseKind.PHYSICAL
    city = "Berlin"
    country = "DE"
    latitude = Decimal("52.520008")
    longitude = Decimal("13.404954")


class LocationFactory(factory.django.DjangoModelFactory[Location]):
    class Meta:
        model = Location

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"LOC{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    kind = LocationKind.STOCK
