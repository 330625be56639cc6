"""The procurement API: nested documents, transitions, 409 on posted documents, isolation, budgets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nexus.core import scope
from nexus.core.models import AuditEvent
from nexus.inventory.models import StockAvailability
from nexus.procurement import models as procurement_models
from nexus.procurement.models import (
    BillLineKind,
    GoodsReceipt,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    VendorBillLineReceipt,
)
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Tenant
from tests.factories.procurement import (
    RequisitionFactory,
    RequisitionLineFactory,
    VendorBillFactory,
    VendorBillLineFactory,
    VendorFactory,
    VendorProductFactory,
)

from .conftest import make_site, member
from .helpers import TenantAPIClient, draft_order, order_lines, overtaken_receipt, sent_order

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def api_as(site):
    def make(user) -> TenantAPIClient:
        return TenantAPIClient(user, site.tenant)

    return make


@pytest.fixture
def api(api_as, purchaser) -> TenantAPIClient:
    return api_as(purchaser)


def test_an_order_is_created_with_its_lines_numbered_and_totalled(api, site):
    response = api.post(
        "/api/v1/purchase-orders/",
        {
            "vendor": site.vendor.pk,
            "warehouse": site.warehouse.pk,
            "lines": [
                {
                    "product": site.bolt.pk,
                    "quantity": "10",
                    "unit_price": "4.255",
                    "expected_date": "2026-05-05",
                },
                {
                    "product": site.oil.pk,
                    "quantity": "2.5",
                    "unit_price": "1.10",
                    "expected_date": "2026-05-09",
                },
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == f"PO-{YEAR}-000001"
    assert (body["currency"], body["status"], body["vendor_code"]) == ("USD", "draft", "ACME")
    # 10 x 4.255 = 42.55; 2.5 x 1.10 = 2.75.
    assert [line["amount"] for line in body["lines"]] == ["42.55", "2.75"]
    assert body["total"] == "45.30"
    assert [t["name"] for t in body["available_transitions"]] == ["send", "cancel"]


def test_a_draft_is_edited_line_by_line_and_each_line_change_is_audited(api, site):
    order = draft_order(site, (site.bolt, "10", "4"), (site.oil, "1", "1"))
    keep, drop = order_lines(order)

    response = api.patch(
        f"/api/v1/purchase-orders/{order.pk}/",
        {
            "vendor_reference": "AB-1",
            "lines": [
                {
                    "id": keep.pk,
                    "product": site.bolt.pk,
                    "quantity": "12",
                    "unit_price": "4",
                    "expected_date": keep.expected_date.isoformat(),
                },
                {"product": site.oil.pk, "quantity": "3", "unit_price": "2", "expected_date": "2026-05-06"},
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    lines = order_lines(order)
    assert [(line.pk == keep.pk, line.quantity) for line in lines] == [
        (True, Decimal(12)),
        (False, Decimal(3)),
    ]
    assert not PurchaseOrderLine.objects.filter(pk=drop.pk).exists()
    actions = sorted(
        AuditEvent.objects.filter(action__startswith="procurement.purchaseorderline").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "procurement.purchaseorderline.changed",
        "procurement.purchaseorderline.created",
        "procurement.purchaseorderline.deleted",
    ]
    changed = AuditEvent.objects.get(action="procurement.purchaseorderline.changed")
    assert changed.data["changes"] == {"quantity": ["10.0000", "12.0000"]}


def test_sending_is_a_post_and_a_sent_order_cannot_be_edited_or_deleted(api, site):
    order = draft_order(site, (site.bolt, "10", "4"))

    sent = api.post(f"/api/v1/purchase-orders/{order.pk}/send/", {}, format="json")
    edit = api.patch(f"/api/v1/purchase-orders/{order.pk}/", {"notes": "changed"}, format="json")
    delete = api.delete(f"/api/v1/purchase-orders/{order.pk}/")

    assert sent.status_code == 200
    assert sent.json()["status"] == "sent"
    for response in (edit, delete):
        assert response.status_code == 409
        assert response.json() == {
            "code": "already_posted",
            "detail": f"{order} is sent; only drafts can be changed (correct it with a new document).",
        }
    assert PurchaseOrder.objects.get(pk=order.pk).notes == ""


def test_an_edit_of_a_posted_document_is_a_409_whatever_its_body_and_changes_nothing(
    api_as, site, purchaser, clerk
):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    receipt = post_receipt(draft_receipt(order), actor=clerk).instance
    url = f"/api/v1/goods-receipts/{receipt.pk}/"
    before = (GoodsReceipt.objects.filter(pk=receipt.pk).values().get(), AuditEvent.objects.count())

    invalid = api_as(clerk).patch(url, {"notes": "x", "received_at": "not a time"}, format="json")
    valid = api_as(clerk).patch(url, {"notes": "x"}, format="json")

    for response in (invalid, valid):
        assert response.status_code == 409
        assert response.json() == {
            "code": "already_posted",
            "detail": f"{receipt} is posted; only drafts can be changed (correct it with a new document).",
        }
    assert (GoodsReceipt.objects.filter(pk=receipt.pk).values().get(), AuditEvent.objects.count()) == before


def test_every_write_of_a_draft_raises_its_version_and_a_stale_version_is_refused(api, site):
    order = draft_order(site, (site.bolt, "10", "4"))
    (line,) = order_lines(order)
    url = f"/api/v1/purchase-orders/{order.pk}/"
    row = {
        "id": line.pk,
        "product": site.bolt.pk,
        "quantity": "12",
        "unit_price": "4",
        "expected_date": "2026-05-05",
    }

    header = api.patch(url, {"notes": "a", "version": 1}, format="json")
    lines_only = api.patch(url, {"lines": [row]}, format="json")
    sent = api.post(f"{url}send/", {}, format="json")

    assert [header.json()["version"], lines_only.json()["version"], sent.json()["version"]] == [2, 3, 4]
    assert [header.json()["notes"], lines_only.json()["lines"][0]["quantity"]] == ["a", "12.0000"]


def test_an_edit_naming_an_older_version_is_a_409_and_changes_nothing(api, site):
    order = draft_order(site, (site.bolt, "10", "4"))
    url = f"/api/v1/purchase-orders/{order.pk}/"
    api.patch(url, {"notes": "first"}, format="json")
    audited = AuditEvent.objects.count()

    stale = api.patch(url, {"notes": "second", "version": 1}, format="json")

    assert stale.status_code == 409
    assert stale.json() == {
        "code": "concurrent_change",
        "detail": "This purchase order changed since you opened it (someone saved it or moved it on); "
        "reload it to see the changes, then make yours again.",
    }
    assert PurchaseOrder.objects.filter(pk=order.pk).values_list("notes", "version").get() == ("first", 2)
    assert AuditEvent.objects.count() == audited


def test_a_draft_can_be_deleted(api, site):
    order = draft_order(site, (site.bolt, "10", "4"))

    assert api.delete(f"/api/v1/purchase-orders/{order.pk}/").status_code == 204
    assert not PurchaseOrder.objects.filter(pk=order.pk).exists()


def test_receiving_through_the_api_drafts_posts_and_moves_stock(api_as, site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)
    api = api_as(clerk)

    drafted = api.post(
        f"/api/v1/purchase-orders/{order.pk}/draft-receipt/", {"lines": {str(line.pk): "6"}}, format="json"
    )
    receipt_id = drafted.json()["id"]
    posted = api.post(
        f"/api/v1/goods-receipts/{receipt_id}/post/", {"idempotency_key": "gr-1"}, format="json"
    )

    assert drafted.status_code == 201, drafted.json()
    assert posted.status_code == 200, posted.json()
    body = posted.json()
    assert body["status"] == "posted"
    assert [(row["quantity"], row["unit_cost"], row["product_sku"]) for row in body["lines"]] == [
        ("6.0000", "4.250000", "BOLT-10")
    ]
    assert StockAvailability.objects.get(product=site.bolt).on_hand == Decimal(6)
    assert PurchaseOrder.objects.get(pk=order.pk).status == PurchaseOrderStatus.PARTIALLY_RECEIVED


@pytest.mark.parametrize(
    ("lines", "errors"),
    [
        ({"²": "1"}, {"lines.²": ["A line id is a whole number."]}),
        ({"x": "1"}, {"lines.x": ["A line id is a whole number."]}),
        ({"0": "1"}, {"lines.0": ["Ensure this value is greater than or equal to 1."]}),
        ({"LINE": "²"}, {"lines.LINE": ["A line id is a whole number."]}),
        ("²", {"lines": ['Expected a dictionary of items but got type "str".']}),
    ],
)
def test_draft_receipt_lines_are_parsed_with_their_keys_and_a_bad_one_changes_nothing(
    api_as, site, purchaser, clerk, lines, errors
):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))

    response = api_as(clerk).post(
        f"/api/v1/purchase-orders/{order.pk}/draft-receipt/", {"lines": lines}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "The input is not valid; see the fields.",
        "fields": errors,
    }
    assert not GoodsReceipt.objects.exists()


def test_draft_receipt_names_each_bad_quantity_and_a_line_named_twice(api_as, site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"), (site.oil, "5", "1"))
    bolt, oil = order_lines(order)

    response = api_as(clerk).post(
        f"/api/v1/purchase-orders/{order.pk}/draft-receipt/",
        {"lines": {str(bolt.pk): "-1", str(oil.pk): "1", f"0{oil.pk}": "2"}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        f"lines.{bolt.pk}": ["Ensure this value is greater than or equal to 0."],
        f"lines.0{oil.pk}": [f"Line {oil.pk} is named more than once."],
    }
    assert not GoodsReceipt.objects.exists()


def test_a_draft_receipt_beyond_the_tolerance_is_refused_when_drafted(api_as, site, purchaser, clerk):
    Tenant.objects.filter(pk=site.tenant.pk).update(policies={"over_receipt_tolerance_percent": 10})
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"), (site.oil, "5", "1"))
    bolt, oil = order_lines(order)

    response = api_as(clerk).post(
        f"/api/v1/purchase-orders/{order.pk}/draft-receipt/",
        {"lines": {str(bolt.pk): "12", str(oil.pk): "5.5"}},
        format="json",
    )

    assert response.status_code == 400
    explanation = (
        f"BOLT-10 on {order} would be received 12 pcs in all, but 10 pcs were ordered (0 already received) "
        "and the over-receipt tolerance of 10% allows at most 11 pcs."
    )
    assert response.json() == {
        "code": "over_receipt",
        "detail": f"cannot draft the receipt: {explanation}",
        "fields": {f"lines.{bolt.pk}": [explanation]},
    }
    assert not GoodsReceipt.objects.exists()


def test_a_receipt_created_with_lines_beyond_the_tolerance_is_refused(api_as, site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)
    post_receipt(draft_receipt(order, quantities={line.pk: Decimal(4)}), actor=clerk)
    rows = [
        {"purchase_order_line": line.pk, "quantity": "3"},
        {"purchase_order_line": line.pk, "quantity": "4"},
    ]

    response = api_as(clerk).post(
        "/api/v1/goods-receipts/", {"purchase_order": order.pk, "lines": rows}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "over_receipt"
    assert response.json()["fields"] == {
        f"lines.{line.pk}": [
            f"BOLT-10 on {order} would be received 11 pcs in all, but 10 pcs were ordered "
            "(4 already received) and the over-receipt tolerance of 0% allows at most 10 pcs."
        ]
    }
    assert GoodsReceipt.objects.count() == 1


def test_new_lines_in_a_partial_update_must_be_whole_and_a_bad_one_changes_nothing(api, site):
    order = draft_order(site, (site.bolt, "10", "4"))
    before = [(line.pk, line.quantity) for line in order_lines(order)]

    response = api.patch(
        f"/api/v1/purchase-orders/{order.pk}/", {"lines": [{"quantity": "3"}]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "lines.0.product": ["This field is required."],
        "lines.0.unit_price": ["This field is required."],
        "lines.0.expected_date": ["This field is required."],
    }
    assert [(line.pk, line.quantity) for line in order_lines(order)] == before


def test_a_receipt_line_named_by_its_id_alone_is_refused_not_a_server_error(api_as, site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)
    receipt = draft_receipt(order, quantities={line.pk: Decimal(4)})
    (receipt_line,) = receipt.lines.all()

    response = api_as(clerk).patch(
        f"/api/v1/goods-receipts/{receipt.pk}/",
        {"lines": [{"id": receipt_line.pk, "quantity": "5"}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"lines.0.purchase_order_line": ["This field is required."]}
    assert [row.quantity for row in receipt.lines.all()] == [Decimal(4)]


def test_an_over_receipt_is_a_409_saying_why(api_as, site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)
    receipt = overtaken_receipt(order, line, first="6", then="6", by=clerk)

    response = api_as(clerk).post(f"/api/v1/goods-receipts/{receipt.pk}/post/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "over_receipt"
    assert "tolerance of 0% allows at most 10 pcs" in response.json()["detail"]
    assert GoodsReceipt.objects.get(pk=receipt.pk).status == "draft"


def test_a_receipt_against_a_draft_order_is_refused_on_creation(api_as, site, clerk):
    order = draft_order(site, (site.bolt, "10", "4"))
    (line,) = order_lines(order)

    response = api_as(clerk).post(
        "/api/v1/goods-receipts/",
        {"purchase_order": order.pk, "lines": [{"purchase_order_line": line.pk, "quantity": "1"}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"]["purchase_order"] == [
        f"{order} is draft; goods are received only against sent or partially received orders."
    ]


def test_a_bill_with_a_freight_charge_is_approved_with_its_total(api_as, site, purchaser, clerk, accountant):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    receipt = post_receipt(draft_receipt(order), actor=clerk).instance
    api = api_as(accountant)

    created = api.post(
        "/api/v1/vendor-bills/",
        {
            "vendor": site.vendor.pk,
            "vendor_invoice_number": "INV-9",
            "purchase_order": order.pk,
            "lines": [
                {"kind": "goods", "quantity": "10", "unit_price": "4"},
                {
                    "kind": "freight",
                    "description": "Truck",
                    "unit_price": "35.5",
                    "goods_receipts": [receipt.pk],
                },
            ],
        },
        format="json",
    )
    approved = api.post(f"/api/v1/vendor-bills/{created.json()['id']}/approve/", {}, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["lines"][1]["goods_receipts"] == [receipt.pk]
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["total"]) == ("approved", "75.5000")


def test_a_goods_line_cannot_name_receipts(api_as, site, purchaser, clerk, accountant):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    receipt = post_receipt(draft_receipt(order), actor=clerk).instance

    response = api_as(accountant).post(
        "/api/v1/vendor-bills/",
        {
            "vendor": site.vendor.pk,
            "vendor_invoice_number": "INV-9",
            "lines": [{"kind": BillLineKind.GOODS, "unit_price": "4", "goods_receipts": [receipt.pk]}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"]["lines.0.goods_receipts"] == [
        "Only landed-cost charges (freight, duty, insurance, other) name receipts."
    ]


def test_a_requisition_is_requested_by_its_creator_and_converts(api, site, purchaser):
    VendorProductFactory.create(vendor=site.vendor, product=site.bolt, unit_price=Decimal(3))
    created = api.post(
        "/api/v1/requisitions/",
        {
            "warehouse": site.warehouse.pk,
            "needed_by": "2026-09-01",
            "lines": [{"product": site.bolt.pk, "quantity": "8"}],
        },
        format="json",
    )
    pk = created.json()["id"]

    api.post(f"/api/v1/requisitions/{pk}/approve/", {}, format="json")
    converted = api.post(f"/api/v1/requisitions/{pk}/convert/", {}, format="json")

    assert created.json()["requested_by"] == "buyer@acme.example"
    assert converted.status_code == 200, converted.json()
    assert converted.json()["status"] == "converted"
    (order_id,) = converted.json()["purchase_orders"]
    assert PurchaseOrder.objects.get(pk=order_id).lines.get().quantity == Decimal(8)


def test_another_tenants_documents_are_not_found_and_not_referable(api, site, purchaser):
    order = draft_order(site, (site.bolt, "1", "1"))
    other = make_site("globex")
    with scope.tenant(other.tenant):
        foreign_order = draft_order(other, (other.bolt, "1", "1"))
    rows = api.get("/api/v1/purchase-orders/").json()["results"]

    assert [row["id"] for row in rows] == [order.pk]
    assert api.get(f"/api/v1/purchase-orders/{foreign_order.pk}/").status_code == 404
    assert api.post(f"/api/v1/purchase-orders/{foreign_order.pk}/send/", {}, format="json").status_code == 404
    assert (
        api.patch(f"/api/v1/purchase-orders/{foreign_order.pk}/", {"notes": "x"}, format="json").status_code
        == 404
    )
    refused = api.post(
        "/api/v1/purchase-orders/", {"vendor": other.vendor.pk, "warehouse": site.warehouse.pk}, format="json"
    )
    assert refused.status_code == 400
    assert "vendor" in refused.json()["fields"]


def test_a_viewer_reads_but_may_not_write(api_as, site, viewer):
    api = api_as(viewer)
    order = draft_order(site, (site.bolt, "1", "1"))

    assert api.get("/api/v1/purchase-orders/").status_code == 200
    assert api.get(f"/api/v1/purchase-orders/{order.pk}/").json()["available_transitions"] == []
    assert api.post(f"/api/v1/purchase-orders/{order.pk}/send/", {}, format="json").status_code == 403
    assert (
        api.post("/api/v1/vendors/", {"code": "X", "name": "X", "currency": "USD"}, format="json").status_code
        == 403
    )


def test_lists_filter_search_and_order(api, site, purchaser):
    first = draft_order(site, (site.bolt, "1", "1"), order_date=dt.date(2026, 1, 5))
    second = sent_order(site, purchaser, (site.oil, "1", "1"), order_date=dt.date(2026, 2, 5))

    assert [r["id"] for r in api.get("/api/v1/purchase-orders/", {"status": "sent"}).json()["results"]] == [
        second.pk
    ]
    assert [r["id"] for r in api.get("/api/v1/purchase-orders/", {"search": "OIL-5"}).json()["results"]] == [
        second.pk
    ]
    assert [
        r["id"] for r in api.get("/api/v1/purchase-orders/", {"ordering": "order_date"}).json()["results"]
    ] == [
        first.pk,
        second.pk,
    ]


def _documents(site, purchaser, clerk, accountant, n: int) -> None:
    for index in range(n):
        vendor = VendorFactory.create()
        product = VendorProductFactory.create(vendor=vendor).product
        order = sent_order(site, purchaser, (product, "4", "2"), (site.bolt, "1", "1"))
        receipt = post_receipt(draft_receipt(order), actor=clerk).instance
        bill = VendorBillFactory.create(vendor=vendor)
        VendorBillLineFactory.create(bill=bill)
        charge = VendorBillLineFactory.create(bill=bill, kind=BillLineKind.FREIGHT)
        VendorBillLineReceipt.objects.create(line=charge, goods_receipt=receipt)
        requisition = RequisitionFactory.create(warehouse=site.warehouse, requested_by=purchaser)
        RequisitionLineFactory.create_batch(2, requisition=requisition, product=product, vendor=vendor)
        if index % 2:
            # Never-sent drafts too: their available transitions are worked out from the same prefetch.
            draft_order(site, (product, "1", "1"))


LISTS = [
    "/api/v1/vendors/",
    "/api/v1/vendor-products/",
    "/api/v1/purchase-orders/",
    "/api/v1/goods-receipts/",
    "/api/v1/vendor-bills/",
    "/api/v1/requisitions/",
]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_costs_the_same_queries_for_two_rows_or_eight(
    api_as, site, purchaser, clerk, accountant, path
):
    api = api_as(member(site.tenant, "admin", "boss@acme.example"))
    _documents(site, purchaser, clerk, accountant, 2)
    api.get(path)  # the first request of a session also looks up the person's membership
    with CaptureQueriesContext(connection) as few:
        assert api.get(path).status_code == 200
    _documents(site, purchaser, clerk, accountant, 6)

    with CaptureQueriesContext(connection) as many:
        response = api.get(path)

    assert response.json()["count"] >= 8
    assert len(many.captured_queries) == len(few.captured_queries)


MODELS = {
    "/api/v1/vendors/": "Vendor",
    "/api/v1/vendor-products/": "VendorProduct",
    "/api/v1/purchase-orders/": "PurchaseOrder",
    "/api/v1/goods-receipts/": "GoodsReceipt",
    "/api/v1/vendor-bills/": "VendorBill",
    "/api/v1/requisitions/": "Requisition",
}


@pytest.mark.parametrize("path", LISTS)
def test_every_endpoint_shows_only_its_tenants_rows(api_as, site, purchaser, clerk, accountant, path):
    model = getattr(procurement_models, MODELS[path])
    _documents(site, purchaser, clerk, accountant, 1)
    mine = set(model.objects.values_list("pk", flat=True))
    other = make_site("globex")
    with scope.tenant(other.tenant):
        buyer = member(other.tenant, "purchaser", "buyer@globex.example")
        _documents(
            other,
            buyer,
            member(other.tenant, "warehouse_clerk", "clerk@globex.example"),
            member(other.tenant, "accountant", "books@globex.example"),
            1,
        )
        theirs = set(model.objects.values_list("pk", flat=True))
    api = api_as(member(site.tenant, "admin", "boss@acme.example"))

    listed = {row["id"] for row in api.get(path, {"page_size": 200}).json()["results"]}

    assert listed == mine
    assert theirs
    assert not theirs & mine
    for pk in theirs:
        assert api.get(f"{path}{pk}/").status_code == 404
        assert api.delete(f"{path}{pk}/").status_code == 404
