"""``/api/v1/exchange-rates/``: list, filter, create and change the tenant's rates; edits audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models import AuditEvent, ExchangeRate
from nexus.tenancy.models import Role
from tests.factories.core import ExchangeRateFactory
from tests.factories.people import MembershipFactory

from .conftest import as_tenant

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange-rates/"
D = Decimal


@pytest.fixture
def rates(acme, globex):
    """Acme (USD): EUR on 2 and 5 January, CAD on 3 January; Globex has a EUR rate of its own."""
    with scope.tenant(globex):
        ExchangeRateFactory.create(currency_id="EUR", date=dt.date(2026, 1, 2), rate=D("0.99"))
    with scope.tenant(acme):
        return [
            ExchangeRateFactory.create(currency_id="EUR", date=dt.date(2026, 1, 2), rate=D("1.0825")),
            ExchangeRateFactory.create(currency_id="CAD", date=dt.date(2026, 1, 3), rate=D("0.7301")),
            ExchangeRateFactory.create(currency_id="EUR", date=dt.date(2026, 1, 5), rate=D("1.084")),
        ]


def acme_rates() -> list[tuple[str, dt.date, Decimal]]:
    return list(
        ExchangeRate.objects.order_by("date", "currency_id").values_list("currency_id", "date", "rate")
    )


def person_with(role: str, tenant) -> APIClient:
    client = APIClient()
    client.force_authenticate(MembershipFactory.create(tenant=tenant, role=role).user)
    return client


def listed(api, **params) -> list[tuple[str, str, str]]:
    response = api.get(URL, params, **as_tenant("acme"))
    assert response.status_code == 200, response.json()
    return [(row["currency"], row["date"], row["rate"]) for row in response.json()["results"]]


def test_the_list_is_the_tenants_rates_newest_first_filterable_and_searchable(api, rates):
    assert listed(api) == [
        ("EUR", "2026-01-05", "1.08400000"),
        ("CAD", "2026-01-03", "0.73010000"),
        ("EUR", "2026-01-02", "1.08250000"),
    ]
    assert listed(api, currency="EUR") == [
        ("EUR", "2026-01-05", "1.08400000"),
        ("EUR", "2026-01-02", "1.08250000"),
    ]
    assert listed(api, date="2026-01-03") == [("CAD", "2026-01-03", "0.73010000")]
    assert listed(api, date_from="2026-01-03", date_to="2026-01-04") == [("CAD", "2026-01-03", "0.73010000")]
    assert listed(api, search="canadian") == [("CAD", "2026-01-03", "0.73010000")]
    assert listed(api, ordering="rate") == [
        ("CAD", "2026-01-03", "0.73010000"),
        ("EUR", "2026-01-02", "1.08250000"),
        ("EUR", "2026-01-05", "1.08400000"),
    ]
    response = api.get(URL, {"currency": "XYZ"}, **as_tenant("acme"))
    assert (response.status_code, response.json()["code"], list(response.json()["fields"])) == (
        400,
        "invalid",
        ["currency"],
    )


def test_the_list_costs_the_same_queries_for_any_number_of_rows(
    api, acme, rates, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(URL, **as_tenant("acme")).json()["results"]) == 3
    with scope.tenant(acme):
        ExchangeRateFactory.create_batch(40, currency_id="GBP")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(URL, {"page_size": 50}, **as_tenant("acme")).json()["results"]) == 43


def test_a_rate_is_created_and_the_creation_audited(api, ana, acme, rates):
    response = api.post(URL, {"currency": "KWD", "date": "2026-01-05", "rate": "3.2541"}, **as_tenant("acme"))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["currency"], body["date"], body["rate"]) == ("KWD", "2026-01-05", "3.25410000")
    with scope.tenant(acme):
        created = ExchangeRate.objects.get(pk=body["id"])
        assert (created.tenant_id, created.rate) == (acme.pk, D("3.2541"))
        (event,) = AuditEvent.objects.filter(action="core.exchangerate.created")
    assert (event.object_id, event.actor_id) == (str(created.pk), str(ana.pk))
    assert event.data == {
        "changes": {
            "currency": [None, "KWD"],
            "date": [None, "2026-01-05"],
            "rate": [None, "3.25410000"],
            "created_at": [None, created.created_at.isoformat()],
        }
    }


def test_a_rate_is_changed_and_the_change_audited(api, acme, rates):
    eur = rates[0]

    response = api.patch(f"{URL}{eur.pk}/", {"rate": "1.0830"}, format="json", **as_tenant("acme"))

    assert response.status_code == 200, response.json()
    with scope.tenant(acme):
        eur.refresh_from_db()
        (event,) = AuditEvent.objects.filter(action="core.exchangerate.changed")
    assert eur.rate == D("1.083")
    assert event.data == {"changes": {"rate": ["1.08250000", "1.08300000"]}}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"currency": "USD", "date": "2026-01-09", "rate": "1"},
            "currency",
            "USD is the tenant's own currency; its rate is always 1.",
        ),
        (
            {"currency": "EUR", "date": "2026-01-02", "rate": "1.1"},
            "non_field_errors",
            "There is already a rate for this currency on this day; change that one.",
        ),
        ({"currency": "EUR", "date": "2026-01-09", "rate": "0"}, "rate", "A rate must be more than zero."),
        (
            {"currency": "XYZ", "date": "2026-01-09", "rate": "1.1"},
            "currency",
            'Invalid pk "XYZ" - object does not exist.',
        ),
        (
            {"currency": "EUR", "date": "2026-01-09", "rate": "1.123456789"},
            "rate",
            "Ensure that there are no more than 8 decimal places.",
        ),
    ],
)
def test_a_refused_rate_is_a_400_naming_the_field_and_changes_nothing(api, acme, rates, body, field, message):
    with scope.tenant(acme):
        before = acme_rates()

    response = api.post(URL, body, **as_tenant("acme"))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {field: [message]}
    with scope.tenant(acme):
        assert acme_rates() == before
        assert not AuditEvent.objects.filter(action__startswith="core.exchangerate.").exists()


def test_a_change_onto_a_day_that_has_a_rate_is_refused(api, acme, rates):
    response = api.patch(f"{URL}{rates[2].pk}/", {"date": "2026-01-02"}, format="json", **as_tenant("acme"))

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "non_field_errors": ["There is already a rate for this currency on this day; change that one."]
    }


def test_another_tenants_rate_is_not_found(api, globex, rates):
    with scope.tenant(globex):
        theirs = ExchangeRate.objects.get()

    assert api.get(f"{URL}{theirs.pk}/", **as_tenant("acme")).status_code == 404
    assert (
        api.patch(f"{URL}{theirs.pk}/", {"rate": "5"}, format="json", **as_tenant("acme")).status_code == 404
    )


@pytest.mark.parametrize(
    ("role", "may_read", "may_write"),
    [
        (Role.ACCOUNTANT, True, True),
        (Role.MANAGER, True, True),
        (Role.PURCHASER, True, False),
        (Role.VIEWER, True, False),
        (Role.SALES, False, False),
    ],
)
def test_accountants_and_managers_keep_the_rates_purchasers_and_viewers_read_them(
    acme, rates, role, may_read, may_write
):
    client = person_with(role, acme)

    read = client.get(URL, **as_tenant("acme"))
    written = client.post(URL, {"currency": "GBP", "date": "2026-01-09", "rate": "1.27"}, **as_tenant("acme"))

    assert read.status_code == (200 if may_read else 403)
    assert written.status_code == (201 if may_write else 403)
