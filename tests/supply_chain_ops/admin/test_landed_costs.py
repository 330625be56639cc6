"""The landed-cost review page: the allocation table, pool averages, and posting behind a step-up."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from nexus.accounts.stepup import SESSION_KEY
from nexus.core.stepup import step_up_url
from nexus.core.transitions import perform_transition
from nexus.inventory.models import StockAvailability
from supply_chain_ops.models import LandedCost, LandedCostStatus
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost
from tests.nexus.procurement.helpers import TenantAdminClient, messages_of, save_buttons
from tests.supply_chain_ops.conftest import SYSTEM, received

pytestmark = pytest.mark.django_db


def browser(user, tenant, *, stepped_up):
    client = TenantAdminClient(user, tenant)
    if stepped_up:
        session = client.session
        session[SESSION_KEY] = timezone.now().isoformat()
        session.save()
    return client


@pytest.fixture
def draft(site, purchaser, clerk):
    receipt = received(site, purchaser, clerk, (site.bolt, "2", "4"), (site.oil, "3", "2"))
    charge = ChargeInput(kind="freight", split_method="by_quantity", amount=Decimal("50.00"), currency="USD")
    return create_landed_cost(receipt_ids=[receipt.pk], charges=[charge], actor=SYSTEM)


@pytest.fixture
def computed(draft, accountant):
    return perform_transition(draft, "compute", actor=accountant).instance


def change_url(lc):
    return reverse("admin:supply_chain_ops_landedcost_change", args=[lc.pk])


def transition_url(lc, name):
    return reverse("admin:supply_chain_ops_landedcost_transition", args=[lc.pk, name])


def test_the_review_page_shows_the_table_the_pool_averages_and_the_warning(site, computed, accountant):
    page = browser(accountant, site.tenant, stepped_up=False).get(change_url(computed))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<td>BOLT-10</td><td>2</td><td>2</td><td>20</td><td>20</td><td>BER1 20.00</td><td>0</td>" in html
    assert "pool average before" in html
    assert "<td>4.000000</td><td>14.000000</td><td>250.00 %</td><td>⚠ rises more than 20 %</td>" in html
    assert "<td>50.0000</td><td>50.0000</td><td>balanced</td>" in html


def test_a_draft_offers_save_and_a_computed_one_only_its_transitions(site, draft, accountant):
    client = browser(accountant, site.tenant, stepped_up=False)
    assert save_buttons(client.get(change_url(draft))) == ["_save", "_continue", "_addanother"]
    computed = perform_transition(draft, "compute", actor=accountant).instance

    page = client.get(change_url(computed))

    assert save_buttons(page) == []
    assert [b["name"] for b in page.context["transition_buttons"]] == ["compute", "approve", "cancel"]
    response = client.post(
        transition_url(computed, "approve"), {"idempotency_key": "k", "version": computed.version}
    )
    assert messages_of(response) == [("success", f"Approved “{computed.number}”.")]
    assert LandedCost.objects.get(pk=computed.pk).status == LandedCostStatus.APPROVED


def test_posting_asks_for_a_second_factor_first_and_changes_nothing(site, computed, accountant):
    approved = perform_transition(computed, "approve", actor=accountant).instance
    url = transition_url(approved, "post")

    response = browser(accountant, site.tenant, stepped_up=False).post(url, {"reason": ""})

    assert response.status_code == 302
    assert response["Location"] == step_up_url(url)
    assert LandedCost.objects.get(pk=approved.pk).status == LandedCostStatus.APPROVED
    assert StockAvailability.objects.get(product=site.bolt).value == Decimal("8.0000")


def test_the_reason_given_before_the_step_up_is_back_on_the_confirmation_after_it(site, computed, accountant):
    approved = perform_transition(computed, "approve", actor=accountant).instance
    url = transition_url(approved, "post")
    client = browser(accountant, site.tenant, stepped_up=False)
    client.post(url, {"reason": "Month-end freight", "idempotency_key": "k1", "version": approved.version})
    session = client.session
    session[SESSION_KEY] = timezone.now().isoformat()
    session.save()

    form = client.get(url).context["form"]

    assert (form["reason"].value(), form["idempotency_key"].value()) == ("Month-end freight", "k1")
    assert LandedCost.objects.get(pk=approved.pk).status == LandedCostStatus.APPROVED


def test_posting_after_the_step_up(site, computed, accountant):
    approved = perform_transition(computed, "approve", actor=accountant).instance
    client = browser(accountant, site.tenant, stepped_up=True)

    response = client.post(transition_url(approved, "post"), {"reason": ""})

    assert response.status_code == 302
    assert messages_of(response) == [("success", f"Posted “{approved.number}”.")]
    assert LandedCost.objects.get(pk=approved.pk).status == LandedCostStatus.POSTED
    assert StockAvailability.objects.get(product=site.bolt).value == Decimal("28.0000")
    journal = client.get(reverse("admin:supply_chain_ops_landedcost_csv", args=[approved.pk, "journal"]))
    assert journal.content.decode().splitlines()[1] == "posting,inventory,Inventory,BER1,50.00,0"


def test_a_buyer_stepped_up_still_cannot_post(site, computed, accountant, purchaser):
    approved = perform_transition(computed, "approve", actor=accountant).instance

    response = browser(purchaser, site.tenant, stepped_up=True).post(
        transition_url(approved, "post"), {"reason": ""}
    )

    assert response.status_code == 302
    assert [level for level, _ in messages_of(response)] == ["error"]
    assert LandedCost.objects.get(pk=approved.pk).status == LandedCostStatus.APPROVED
    assert StockAvailability.objects.get(product=site.bolt).value == Decimal("8.0000")
