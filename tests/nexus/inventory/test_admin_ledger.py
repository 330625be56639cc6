"""The stock ledger names documents by number, finds them by number, and filters by one warehouse."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory import services
from nexus.inventory.models import StockMove
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Role
from tests.nexus.procurement.conftest import make_site, member
from tests.nexus.procurement.helpers import TenantAdminClient, sent_order

pytestmark = pytest.mark.django_db

LEDGER = "/admin/inventory/stockmove/"
ACTOR = ActorRef.system("tests: ledger")


@pytest.fixture
def site(db):
    made = make_site()
    with scope.tenant(made.tenant):
        yield made


@pytest.fixture
def purchaser(site):
    return member(site.tenant, Role.PURCHASER, "buyer@acme.example")


@pytest.fixture
def browser(site):
    return TenantAdminClient(member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example"), site.tenant)


def received(site, purchaser, quantity: str = "10"):
    order = sent_order(site, purchaser, (site.bolt, quantity, "4.25"))
    receipt = draft_receipt(order)
    post_receipt(receipt, actor=purchaser)
    return receipt


def test_a_move_names_its_document_by_number_as_a_link(browser, site, purchaser):
    receipt = received(site, purchaser)

    page = browser.get(LEDGER).content.decode()

    assert f'<a href="/admin/procurement/goodsreceipt/{receipt.pk}/change/">{receipt.number}</a>' in page
    assert "procurement.goodsreceipt #" not in page


def test_the_ledger_finds_a_documents_moves_by_its_number(browser, site, purchaser):
    wanted = received(site, purchaser)
    received(site, purchaser)

    found = browser.get(LEDGER, {"q": wanted.number.lower()}).context["cl"].result_list

    assert [move.pk for move in found] == [wanted.lines.get().stock_move_id]


def test_one_warehouse_filter_finds_moves_into_and_out_of_it(browser, site):
    into = services.receive(site.bolt.pk, site.stock_a.pk, Decimal(5), Decimal(1), actor=ACTOR)
    across = services.transfer(site.bolt.pk, site.stock_a.pk, site.other_stock.pk, Decimal(2), actor=ACTOR)
    services.receive(site.oil.pk, site.other_stock.pk, Decimal(1), Decimal(1), actor=ACTOR)

    response = browser.get(LEDGER, {"warehouse": site.warehouse.pk})

    titles = [spec.title for spec in response.context["cl"].filter_specs]
    assert titles.count("warehouse") == 1
    assert sorted(move.pk for move in response.context["cl"].result_list) == sorted([into.pk, across.pk])


def test_the_ledger_costs_the_same_queries_for_more_documents(browser, site, purchaser):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(LEDGER).status_code == 200
        return len(captured.captured_queries)

    received(site, purchaser)
    few = queries()
    for _ in range(4):
        received(site, purchaser)

    assert queries() == few
    assert StockMove.objects.count() == 5
