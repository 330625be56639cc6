"""Vendors, terms and procurement documents. Create them inside ``scope.tenant(...)``.

Documents are created as drafts with their lines; they move on only through the services
(``post_receipt``, ``approve_bill`` ...) or ``perform_transition``, as in production.
"""

import datetime as dt
from decimal import Decimal

import factory

from nexus.procurement.models import (
    BillLineKind,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    Requisition,
    RequisitionLine,
    Vendor,
    VendorBill,
    VendorBillLine,
    VendorProduct,
)
from tests.factories.inventory import ProductFactory, WarehouseFactory


class VendorFactory(factory.django.DjangoModelFactory[Vendor]):
    class Meta:
        model = Vendor

    code = factory.Sequence(lambda n: f"V{n:03d}")
    name = factory.Sequence(lambda n: f"Vendor {n}")
    currency_id = "USD"
    country = "DE"


class VendorProductFactory(factory.django.DjangoModelFactory[VendorProduct]):
    class Meta:
        model = VendorProduct

    vendor = factory.SubFactory(VendorFactory)
    product = factory.SubFactory(ProductFactory)
    vendor_sku = factory.Sequence(lambda n: f"VSKU-{n}")
    unit_price = Decimal("10.000000")
    currency_id = factory.SelfAttribute("vendor.currency_id")
    lead_time_days = 7
    priority = 10


class PurchaseOrderFactory(factory.django.DjangoModelFactory[PurchaseOrder]):
    class Meta:
        model = PurchaseOrder

    number = factory.Sequence(lambda n: f"PO-T-{n:06d}")
    vendor = factory.SubFactory(VendorFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    currency_id = factory.SelfAttribute("vendor.currency_id")


class PurchaseOrderLineFactory(factory.django.DjangoModelFactory[PurchaseOrderLine]):
    class Meta:
        model = PurchaseOrderLine

    order = factory.SubFactory(PurchaseOrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("10")
    unit_price = Decimal("4.000000")
    expected_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=7))


class GoodsReceiptFactory(factory.django.DjangoModelFactory[GoodsReceipt]):
    class Meta:
        model = GoodsReceipt

    number = factory.Sequence(lambda n: f"GR-T-{n:06d}")
    purchase_order = factory.SubFactory(PurchaseOrderFactory)


class GoodsReceiptLineFactory(factory.django.DjangoModelFactory[GoodsReceiptLine]):
    class Meta:
        model = GoodsReceiptLine

    receipt = factory.SubFactory(GoodsReceiptFactory)
    purchase_order_line = factory.SubFactory(
        PurchaseOrderLineFactory, order=factory.SelfAttribute("..receipt.purchase_order")
    )
    quantity = Decimal("10")


class VendorBillFactory(factory.django.DjangoModelFactory[VendorBill]):
    class Meta:
        model = VendorBill

    number = factory.Sequence(lambda n: f"BILL-T-{n:06d}")
    vendor = factory.SubFactory(VendorFactory)
    vendor_invoice_number = factory.Sequence(lambda n: f"INV-{n:05d}")
    currency_id = factory.SelfAttribute("vendor.currency_id")


class VendorBillLineFactory(factory.django.DjangoModelFactory[VendorBillLine]):
    class Meta:
        model = VendorBillLine

    bill = factory.SubFactory(VendorBillFactory)
    kind = BillLineKind.GOODS
    quantity = Decimal("1")
    unit_price = Decimal("100.000000")


class RequisitionFactory(factory.django.DjangoModelFactory[Requisition]):
    class Meta:
        model = Requisition

    number = factory.Sequence(lambda n: f"REQ-T-{n:06d}")
    warehouse = factory.SubFactory(WarehouseFactory)
    needed_by = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=14))


class RequisitionLineFactory(factory.django.DjangoModelFactory[RequisitionLine]):
    class Meta:
        model = RequisitionLine

    requisition = factory.SubFactory(RequisitionFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("5")
