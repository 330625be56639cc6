"""The credit-notes admin: issuing from the page, issued notes read-only, constant change list."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nexus.receivable.models import CreditNote, CreditNoteStatus
from nexus.receivable.services import draft_credit_note
from tests.factories.receivable import CreditNoteFactory, CreditNoteLineFactory
from tests.factories.sales import CustomerFactory
from tests.nexus.procurement.helpers import TenantAdminClient, messages_of

from .conftest import lines_of, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(tenant) -> TenantAdminClient:
    return TenantAdminClient(member(tenant, "admin", "boss@acme.example"), tenant)


def test_issuing_from_the_page_numbers_the_note_and_freezes_it(browser, order):
    bolt, _ = lines_of(order)
    note = draft_credit_note(order, {bolt.pk: Decimal(2)}, reason="damaged")
    assert 'name="reason"' in browser.get(f"/admin/receivable/creditnote/{note.pk}/change/").content.decode()

    response = browser.post(f"/admin/receivable/creditnote/{note.pk}/transition/issue/", {})

    issued = CreditNote.objects.get(pk=note.pk)
    assert (issued.status, issued.number, issued.total) == (
        CreditNoteStatus.ISSUED,
        f"CN-{timezone.localdate().year}-000001",
        Decimal("45.00"),
    )
    assert messages_of(response) == [("success", f"Issued “{issued}”.")]
    page = browser.get(f"/admin/receivable/creditnote/{note.pk}/change/").content.decode()
    assert 'name="reason"' not in page
    assert "/delete/" not in page


def test_a_draft_added_in_the_admin_has_no_number_yet(browser, customer):
    response = browser.post(
        "/admin/receivable/creditnote/add/",
        {
            "customer": customer.pk,
            "currency": "USD",
            "reason": "goodwill",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-description": "Late delivery",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "15",
        },
    )

    assert response.status_code == 302
    note = CreditNote.objects.get()
    assert (note.number, note.status, note.lines.get().unit_price) == (
        "",
        CreditNoteStatus.DRAFT,
        Decimal(15),
    )


def _notes(n: int) -> None:
    for _ in range(n):
        note = CreditNoteFactory.create(customer=CustomerFactory.create())
        CreditNoteLineFactory.create_batch(2, credit_note=note)


def test_the_change_list_costs_the_same_queries_for_few_rows_or_many(browser, tenant):
    _notes(1)
    browser.get("/admin/receivable/creditnote/")
    with CaptureQueriesContext(connection) as few:
        assert browser.get("/admin/receivable/creditnote/").status_code == 200
    _notes(6)

    with CaptureQueriesContext(connection) as many:
        assert browser.get("/admin/receivable/creditnote/").status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)
