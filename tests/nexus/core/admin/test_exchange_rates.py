"""Exchange rates in the admin: the list (filters, search, constant queries), audited add and change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.models import AuditEvent, ExchangeRate
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.core import ExchangeRateFactory
from tests.factories.people import MembershipFactory, TenantFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/core/exchangerate/"
ADD = f"{LIST}add/"
D = Decimal


@pytest.fixture
def acme():
    return TenantFactory.create(slug="acme", default_currency="USD")


@pytest.fixture
def rates(acme):
    with scope.tenant(TenantFactory.create(slug="globex")):
        ExchangeRateFactory.create(currency_id="GBP", date=dt.date(2026, 1, 2), rate=D("1.27"))
    with scope.tenant(acme):
        return [
            ExchangeRateFactory.create(currency_id="EUR", date=dt.date(2025, 12, 31), rate=D("1.08")),
            ExchangeRateFactory.create(currency_id="EUR", date=dt.date(2026, 1, 2), rate=D("1.0825")),
            ExchangeRateFactory.create(currency_id="CAD", date=dt.date(2026, 1, 2), rate=D("0.7301")),
        ]


def working_in(tenant, role: str) -> Client:
    client = Client()
    client.force_login(MembershipFactory.create(tenant=tenant, role=role).user)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
    session.save()
    return client


@pytest.fixture
def accountant(acme) -> Client:
    return working_in(acme, Role.ACCOUNTANT)


def shown(client: Client, **params) -> list[tuple[str, dt.date]]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [(row.currency_id, row.date) for row in response.context["cl"].result_list]


def stored(tenant) -> list[tuple[str, dt.date, Decimal]]:
    with scope.tenant(tenant):
        return list(
            ExchangeRate.objects.order_by("date", "currency_id").values_list("currency_id", "date", "rate")
        )


def test_the_list_shows_the_tenants_rates_filtered_by_currency_and_day_and_searchable(accountant, rates):
    everything = [("CAD", dt.date(2026, 1, 2)), ("EUR", dt.date(2026, 1, 2)), ("EUR", dt.date(2025, 12, 31))]
    assert shown(accountant) == everything
    assert shown(accountant, currency__code__exact="EUR") == [
        ("EUR", dt.date(2026, 1, 2)),
        ("EUR", dt.date(2025, 12, 31)),
    ]
    assert shown(accountant, date__gte="2026-01-01", date__lt="2026-01-03") == everything[:2]
    assert shown(accountant, date__year="2025") == [("EUR", dt.date(2025, 12, 31))]
    assert shown(accountant, q="canadian") == [("CAD", dt.date(2026, 1, 2))]
    page = accountant.get(LIST).content.decode()
    assert "CAD (Canadian Dollar)" in page
    assert "0.73010000" in page
    # The currency filter offers the currencies that have rates here, not all of ISO 4217.
    currency_filter = next(
        spec for spec in accountant.get(LIST).context["cl"].filter_specs if spec.title == "currency"
    )
    assert sorted(label for _, label in currency_filter.lookup_choices) == [
        "CAD (Canadian Dollar)",
        "EUR (Euro)",
    ]


def test_the_list_costs_the_same_queries_for_any_number_of_rows(
    accountant, acme, rates, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        assert len(accountant.get(LIST).context["cl"].result_list) == 3
    with scope.tenant(acme):
        for code in ("GBP", "CHF", "JPY", "KWD"):
            ExchangeRateFactory.create_batch(10, currency_id=code)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(accountant.get(LIST).context["cl"].result_list) == 43


def test_a_rate_added_in_the_admin_is_audited(accountant, acme, rates):
    response = accountant.post(ADD, {"currency": "KWD", "date": "2026-01-02", "rate": "3.2541"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    with scope.tenant(acme):
        created = ExchangeRate.objects.get(currency_id="KWD")
        (event,) = AuditEvent.objects.filter(action="core.exchangerate.created")
    assert (created.date, created.rate) == (dt.date(2026, 1, 2), D("3.2541"))
    assert event.object_id == str(created.pk)
    assert event.data["changes"]["rate"] == [None, "3.25410000"]


def test_a_rate_changed_in_the_admin_is_audited(accountant, acme, rates):
    eur = rates[1]

    response = accountant.post(
        f"{LIST}{eur.pk}/change/", {"currency": "EUR", "date": "2026-01-02", "rate": "1.09"}
    )

    assert response.status_code == 302
    with scope.tenant(acme):
        (event,) = AuditEvent.objects.filter(action="core.exchangerate.changed")
    assert event.data == {"changes": {"rate": ["1.08250000", "1.09000000"]}}
    assert stored(acme)[2] == ("EUR", dt.date(2026, 1, 2), D("1.09"))


@pytest.mark.parametrize(
    ("posted", "errors"),
    [
        (
            {"currency": "USD", "date": "2026-01-05", "rate": "1"},
            {"currency": ["USD is the tenant's own currency; its rate is always 1."]},
        ),
        (
            {"currency": "EUR", "date": "2026-01-02", "rate": "1.1"},
            {"__all__": ["There is already a rate for EUR on 2026-01-02; change that one."]},
        ),
        (
            {"currency": "EUR", "date": "2026-01-05", "rate": "0"},
            {"rate": ["A rate must be more than zero."]},
        ),
    ],
)
def test_a_refused_rate_shows_why_and_changes_nothing(accountant, acme, rates, posted, errors):
    before = stored(acme)

    response = accountant.post(ADD, posted)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == errors
    assert stored(acme) == before
    with scope.tenant(acme):
        assert not AuditEvent.objects.filter(action__startswith="core.exchangerate.").exists()


def test_purchasers_read_the_rates_but_do_not_edit_them(acme, rates):
    purchaser = working_in(acme, Role.PURCHASER)

    assert len(shown(purchaser)) == 3
    assert purchaser.get(ADD).status_code == 403
    assert purchaser.post(ADD, {"currency": "KWD", "date": "2026-01-02", "rate": "3.25"}).status_code == 403
    assert len(stored(acme)) == 3
