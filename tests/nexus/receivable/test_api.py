"""The credit-notes API: drafting with lines, issuing, 409 once issued, isolation, list budget."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nexus.core import scope
from nexus.receivable.services import draft_credit_note, issue_credit_note
from tests.factories.people import TenantFactory
from tests.factories.receivable import CreditNoteFactory, CreditNoteLineFactory
from tests.factories.sales import CustomerFactory
from tests.nexus.procurement.helpers import TenantAPIClient

from .conftest import lines_of, member

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def api(tenant, accountant) -> TenantAPIClient:
    return TenantAPIClient(accountant, tenant)


def test_a_note_for_an_order_takes_its_currency_and_issues_with_number_and_total(api, order):
    bolt, nut = lines_of(order)

    created = api.post(
        "/api/v1/credit-notes/",
        {
            "customer": order.customer_id,
            "sales_order": order.pk,
            "reason": "damaged in transit",
            "lines": [
                {"sales_order_line": bolt.pk, "quantity": "1", "unit_price": "22.50"},
                {"sales_order_line": nut.pk, "quantity": "3", "unit_price": "0.35"},
            ],
        },
        format="json",
    )
    issued = api.post(f"/api/v1/credit-notes/{created.json()['id']}/issue/", {}, format="json")

    assert created.status_code == 201, created.json()
    assert (created.json()["currency"], created.json()["number"], created.json()["lines_total"]) == (
        "USD",
        "",
        "23.55",
    )
    assert issued.status_code == 200, issued.json()
    assert (issued.json()["status"], issued.json()["number"], issued.json()["total"]) == (
        "issued",
        f"CN-{YEAR}-000001",
        "23.5500",
    )
    assert [t["name"] for t in issued.json()["available_transitions"]] == ["apply", "void"]


def test_a_currency_other_than_the_orders_is_refused(api, order):
    response = api.post(
        "/api/v1/credit-notes/",
        {"customer": order.customer_id, "sales_order": order.pk, "currency": "EUR", "reason": "x"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"currency": [f"Use USD, the currency of {order}."]}


def test_an_issued_note_cannot_be_edited_or_deleted(api, order, accountant):
    bolt, _ = lines_of(order)
    note = issue_credit_note(
        draft_credit_note(order, {bolt.pk: Decimal(1)}, reason="x"), actor=accountant
    ).instance

    edit = api.patch(f"/api/v1/credit-notes/{note.pk}/", {"reason": "other"}, format="json")
    delete = api.delete(f"/api/v1/credit-notes/{note.pk}/")

    for response in (edit, delete):
        assert response.status_code == 409
        assert response.json()["code"] == "already_posted"


def test_another_tenants_notes_are_not_found(api, customer):
    mine = CreditNoteFactory.create(customer=customer)
    other = TenantFactory.create(slug="globex")
    with scope.tenant(other):
        theirs = CreditNoteFactory.create()

    assert [row["id"] for row in api.get("/api/v1/credit-notes/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/credit-notes/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/credit-notes/{theirs.pk}/issue/", {}, format="json").status_code == 404


def test_a_sales_clerk_reads_but_may_not_issue(tenant, customer):
    note = CreditNoteFactory.create(customer=customer)
    CreditNoteLineFactory.create(credit_note=note)
    api = TenantAPIClient(member(tenant, "sales", "sales@acme.example"), tenant)

    assert api.get(f"/api/v1/credit-notes/{note.pk}/").status_code == 200
    assert api.post(f"/api/v1/credit-notes/{note.pk}/issue/", {}, format="json").status_code == 403


def _notes(accountant, n: int) -> None:
    for index in range(n):
        note = CreditNoteFactory.create(customer=CustomerFactory.create())
        CreditNoteLineFactory.create_batch(2, credit_note=note)
        if index % 2:
            issue_credit_note(note, actor=accountant)


def test_the_list_costs_the_same_queries_for_two_rows_or_eight(tenant, accountant):
    api = TenantAPIClient(member(tenant, "admin", "boss@acme.example"), tenant)
    _notes(accountant, 2)
    api.get("/api/v1/credit-notes/")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/credit-notes/")
    _notes(accountant, 6)

    with CaptureQueriesContext(connection) as many:
        response = api.get("/api/v1/credit-notes/")

    assert response.json()["count"] == 8
    assert len(many.captured_queries) == len(few.captured_queries)
