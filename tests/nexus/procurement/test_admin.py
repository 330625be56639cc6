"""The procurement admin: drafts edited with lines, posted documents read-only, transitions, budgets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nexus.core.models import AuditEvent
from nexus.core.transitions import perform_transition
from nexus.inventory.models import StockAvailability, StockMove
from nexus.procurement.models import (
    BillLineKind,
    GoodsReceipt,
    GoodsReceiptStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    VendorBillLineReceipt,
)
from nexus.procurement.services import draft_receipt, post_receipt
from tests.factories.procurement import (
    RequisitionFactory,
    RequisitionLineFactory,
    VendorBillFactory,
    VendorBillLineFactory,
    VendorFactory,
    VendorProductFactory,
)

from .helpers import (
    TenantAdminClient,
    draft_order,
    messages_of,
    order_lines,
    overtaken_receipt,
    sent_order,
    stock_snapshot,
)

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def browser(site, admin_user) -> TenantAdminClient:
    return TenantAdminClient(admin_user, site.tenant)


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    """The management form and rows of an inline formset, as the browser posts them."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_an_order_is_added_with_its_lines_numbered_and_audited(browser, site):
    response = browser.post(
        "/admin/procurement/purchaseorder/add/",
        {
            "vendor": site.vendor.pk,
            "warehouse": site.warehouse.pk,
            "currency": "USD",
            "exchange_rate": "1",
            "order_date": "2026-05-01",
            **inline(
                "lines",
                [
                    {
                        "product": site.bolt.pk,
                        "quantity": "10",
                        "unit_price": "4.25",
                        "expected_date": "2026-05-09",
                    }
                ],
            ),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    order = PurchaseOrder.objects.get()
    assert order.number == f"PO-{YEAR}-000001"
    assert [(line.product, line.quantity) for line in order.lines.all()] == [(site.bolt, Decimal(10))]
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "procurement.purchaseorder.created",
        "procurement.purchaseorderline.created",
    }


def test_a_draft_is_editable_and_a_sent_order_is_read_only(browser, site, purchaser):
    draft = draft_order(site, (site.bolt, "1", "1"))
    sent = sent_order(site, purchaser, (site.bolt, "1", "1"))

    editable = browser.get(f"/admin/procurement/purchaseorder/{draft.pk}/change/").content.decode()
    frozen = browser.get(f"/admin/procurement/purchaseorder/{sent.pk}/change/").content.decode()

    assert 'name="notes"' in editable
    assert 'name="lines-0-quantity"' in editable
    assert 'name="notes"' not in frozen
    assert 'name="lines-0-quantity"' not in frozen
    assert "/delete/" not in frozen
    assert ">Cancel…<" in frozen  # the transition stays available (it asks for a reason)


def order_form(order: PurchaseOrder, opened_version: int, quantity: str = "10", **changes: str) -> dict:
    """The purchase order's change form as the browser posts it, with its one line."""
    (line,) = order_lines(order)
    header = {
        "vendor": order.vendor_id,
        "warehouse": order.warehouse_id,
        "currency": order.currency_id,
        "exchange_rate": "1",
        "order_date": order.order_date.isoformat(),
        "vendor_reference": "",
        "notes": "",
        "opened_version": opened_version,
        **changes,
    }
    row = {
        "id": line.pk,
        "order": order.pk,
        "product": line.product_id,
        "quantity": quantity,
        "unit_price": str(line.unit_price),
        "expected_date": line.expected_date.isoformat(),
    }
    return {**header, **inline("lines", [row], initial=1)}


def stored_order(order: PurchaseOrder) -> tuple:
    """What a refused change must leave as it was: the header, its line, and the audit trail."""
    return (
        PurchaseOrder.objects.filter(pk=order.pk).values_list("notes", "status", "version").get(),
        list(PurchaseOrderLine.objects.filter(order=order).values_list("quantity", flat=True)),
        AuditEvent.objects.count(),
    )


def test_the_change_page_carries_the_version_it_shows_and_every_save_raises_it(browser, site):
    order = draft_order(site, (site.bolt, "10", "4"))
    url = f"/admin/procurement/purchaseorder/{order.pk}/change/"

    page = browser.get(url).content.decode()
    header = browser.post(url, order_form(order, 1, notes="call first"))
    lines_only = browser.post(url, order_form(order, 2, quantity="12", notes="call first"))

    assert '<input type="hidden" name="opened_version" value="1"' in page
    assert (header.status_code, lines_only.status_code) == (302, 302)
    assert stored_order(order)[:2] == (("call first", "draft", 3), [Decimal(12)])


def test_a_read_only_page_carries_no_version(site, clerk):
    order = draft_order(site, (site.bolt, "10", "4"))

    page = TenantAdminClient(clerk, site.tenant).get(f"/admin/procurement/purchaseorder/{order.pk}/change/")

    assert page.status_code == 200
    assert "opened_version" not in page.content.decode().lower().replace(" ", "_")


def test_a_change_from_a_page_older_than_the_order_is_refused_with_a_message_and_changes_nothing(
    browser, site
):
    order = draft_order(site, (site.bolt, "10", "4"))
    url = f"/admin/procurement/purchaseorder/{order.pk}/change/"
    browser.post(url, order_form(order, 1, quantity="12"))  # someone else changes a line meanwhile
    before = stored_order(order)

    response = browser.post(url, order_form(order, 1, notes="from the old page"))

    assert response.status_code == 200
    assert (
        "This purchase order changed since you opened it (someone saved it or moved it on); reload it to "
        "see the changes, then make yours again." in response.content.decode()
    )
    assert stored_order(order) == before


def test_a_change_to_an_order_sent_since_the_page_opened_is_refused_and_changes_nothing(
    browser, site, purchaser
):
    order = draft_order(site, (site.bolt, "10", "4"))
    perform_transition(order, "send", actor=purchaser)
    before = stored_order(order)

    response = browser.post(
        f"/admin/procurement/purchaseorder/{order.pk}/change/", order_form(order, 2, notes="too late")
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        ("error", f"{order} is sent; only drafts can be changed (correct it with a new document).")
    ]
    assert stored_order(order) == before


def test_posting_a_receipt_from_its_page_moves_stock(browser, site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    receipt = draft_receipt(order)

    response = browser.post(
        f"/admin/procurement/goodsreceipt/{receipt.pk}/transition/post/", {"idempotency_key": "k"}
    )

    assert response.status_code == 302
    assert messages_of(response) == [("success", f"Posted “{receipt}”.")]
    assert GoodsReceipt.objects.get(pk=receipt.pk).status == GoodsReceiptStatus.POSTED
    assert StockAvailability.objects.get(product=site.bolt).on_hand == Decimal(10)


def test_an_over_receipt_from_the_admin_is_an_error_message_and_changes_nothing(
    browser, site, purchaser, clerk
):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)
    receipt = overtaken_receipt(order, line, first="6", then="6", by=clerk)
    before = stock_snapshot()

    response = browser.post(f"/admin/procurement/goodsreceipt/{receipt.pk}/transition/post/", {})

    assert [level for level, _ in messages_of(response)] == ["error"]
    assert "tolerance of 0% allows at most 10 pcs" in messages_of(response)[0][1]
    assert stock_snapshot() == before


def test_a_receipt_for_a_draft_order_is_refused_in_the_form(browser, site):
    order = draft_order(site, (site.bolt, "1", "1"))

    response = browser.post(
        "/admin/procurement/goodsreceipt/add/",
        {
            "purchase_order": order.pk,
            "received_at_0": "2026-05-01",
            "received_at_1": "09:00",
            **inline("lines", []),
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "purchase_order": [
            f"{order} is draft; goods are received only against sent or partially received orders."
        ]
    }
    assert not GoodsReceipt.objects.exists()


def test_receipt_lines_beyond_the_tolerance_are_refused_in_the_form(browser, site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)
    receipt = draft_receipt(order, quantities={line.pk: Decimal(4)})
    (receipt_line,) = receipt.lines.all()
    rows = [
        {"id": receipt_line.pk, "receipt": receipt.pk, "purchase_order_line": line.pk, "quantity": "6"},
        {"receipt": receipt.pk, "purchase_order_line": line.pk, "quantity": "5"},
    ]

    response = browser.post(
        f"/admin/procurement/goodsreceipt/{receipt.pk}/change/",
        {
            "purchase_order": order.pk,
            "received_at_0": "2026-05-01",
            "received_at_1": "09:00",
            **inline("lines", rows, initial=1),
        },
    )

    assert response.status_code == 200
    [formset] = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert formset.non_form_errors() == [
        f"cannot draft the receipt: BOLT-10 on {order} would be received 11 pcs in all, but 10 pcs were "
        "ordered (0 already received) and the over-receipt tolerance of 0% allows at most 10 pcs."
    ]
    assert [(row.quantity,) for row in receipt.lines.all()] == [(Decimal(4),)]


def test_receipts_are_drafted_from_the_order_list(browser, site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    draft = draft_order(site, (site.bolt, "1", "1"))

    response = browser.post(
        "/admin/procurement/purchaseorder/",
        {"action": "draft_receipts", "_selected_action": [order.pk, draft.pk]},
    )

    receipt = GoodsReceipt.objects.get()
    assert receipt.purchase_order == order
    assert [level for level, _ in messages_of(response)] == ["success", "warning"]
    assert (
        "is draft; goods are received only against sent or partially received orders"
        in messages_of(response)[1][1]
    )


def test_the_order_list_offers_no_receipt_transitions_and_no_bulk_delete(browser, site):
    draft_order(site, (site.bolt, "1", "1"))

    actions = [
        value
        for value, _ in browser.get("/admin/procurement/purchaseorder/")
        .context["action_form"]
        .fields["action"]
        .choices
    ]

    assert "transition_send" in actions
    assert "draft_receipts" in actions
    assert not {
        "transition_record_full_receipt",
        "transition_record_partial_receipt",
        "delete_selected",
    } & set(actions)


def test_a_bill_line_names_its_receipts_by_number(browser, site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    receipt = post_receipt(draft_receipt(order), actor=clerk).instance
    bill = VendorBillFactory.create(vendor=site.vendor)
    url = f"/admin/procurement/vendorbill/{bill.pk}/change/"
    header = {
        "vendor": site.vendor.pk,
        "vendor_invoice_number": bill.vendor_invoice_number,
        "currency": "USD",
        "bill_date": "2026-05-01",
        "opened_version": bill.version,
    }
    row = {"kind": BillLineKind.FREIGHT, "quantity": "1", "unit_price": "30"}

    refused = browser.post(url, {**header, **inline("lines", [{**row, "receipt_numbers": "GR-NOPE"}])})
    saved = browser.post(
        url, {**header, **inline("lines", [{**row, "receipt_numbers": f" {receipt.number} "}])}
    )

    assert refused.status_code == 200
    assert "No goods receipt GR-NOPE." in refused.content.decode()
    assert saved.status_code == 302
    assert list(VendorBillLineReceipt.objects.values_list("goods_receipt_id", flat=True)) == [receipt.pk]


def _documents(site, purchaser, clerk, n: int) -> None:
    for _ in range(n):
        vendor = VendorFactory.create()
        product = VendorProductFactory.create(vendor=vendor).product
        order = sent_order(site, purchaser, (product, "4", "2"), (site.bolt, "1", "1"))
        post_receipt(draft_receipt(order), actor=clerk)
        draft_order(site, (product, "1", "1"))
        bill = VendorBillFactory.create(vendor=vendor)
        VendorBillLineFactory.create_batch(2, bill=bill)
        requisition = RequisitionFactory.create(warehouse=site.warehouse, requested_by=purchaser)
        RequisitionLineFactory.create_batch(2, requisition=requisition, product=product)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/procurement/vendor/",
        "/admin/procurement/vendorproduct/",
        "/admin/procurement/purchaseorder/",
        "/admin/procurement/goodsreceipt/",
        "/admin/procurement/vendorbill/",
        "/admin/procurement/requisition/",
    ],
)
def test_every_change_list_costs_the_same_queries_for_few_rows_or_many(browser, site, purchaser, clerk, path):
    _documents(site, purchaser, clerk, 1)
    browser.get(path)
    with CaptureQueriesContext(connection) as few:
        assert browser.get(path).status_code == 200
    _documents(site, purchaser, clerk, 5)

    with CaptureQueriesContext(connection) as many:
        assert browser.get(path).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)


def test_change_pages_of_every_document_open(browser, site, purchaser, clerk):
    _documents(site, purchaser, clerk, 1)
    for path in (
        "/admin/procurement/purchaseorder/",
        "/admin/procurement/goodsreceipt/",
        "/admin/procurement/vendorbill/",
        "/admin/procurement/requisition/",
        "/admin/procurement/vendor/",
        "/admin/procurement/vendorproduct/",
    ):
        model = browser.get(path).context["cl"].model
        for pk in model.objects.values_list("pk", flat=True):
            assert browser.get(f"{path}{pk}/change/").status_code == 200, (path, pk)
        assert browser.get(f"{path}add/").status_code == 200, path
    assert StockMove.objects.exists()
