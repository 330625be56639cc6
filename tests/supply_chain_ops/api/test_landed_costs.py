"""``/api/v1/landed-costs/``: create, compute returns the table, post needs permission and a step-up, CSV."""

from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.accounts.models import Device, DeviceKind
from nexus.accounts.tokens import issue_login_token
from nexus.inventory.models import StockAvailability
from supply_chain_ops.models import LandedCost, LandedCostStatus
from tests.nexus.procurement.helpers import TenantAPIClient
from tests.supply_chain_ops.conftest import received

pytestmark = pytest.mark.django_db

URL = "/api/v1/landed-costs/"


def stepped_up(user, tenant, *, recent=True):
    """An API client on a login token whose device proved a second factor just now (or never)."""
    device = Device.objects.create(
        user=user, kind=DeviceKind.TOKEN, mfa_verified_at=timezone.now() if recent else None
    )
    client = TenantAPIClient(user, tenant)
    client.force_authenticate(None)
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {issue_login_token(user, device).key}", HTTP_X_TENANT=tenant.slug
    )
    return client


@pytest.fixture
def receipt(site, purchaser, clerk):
    return received(site, purchaser, clerk, (site.bolt, "2", "4"), (site.oil, "3", "2"))


def _create(client, receipt, **charge):
    body = {
        "goods_receipts": [receipt.pk],
        "charges": [
            {"kind": "freight", "split_method": "by_quantity", "amount": "50.00", "currency": "USD", **charge}
        ],
    }
    return client.post(URL, body, format="json")


def test_create_compute_approve_and_post_with_a_step_up(site, receipt, purchaser, accountant):
    buyer = TenantAPIClient(purchaser, site.tenant)
    created = _create(buyer, receipt)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]

    computed = buyer.post(f"{URL}{pk}/compute/", {}, format="json")

    assert computed.status_code == 200, computed.json()
    assert [(a["sku"], a["amount"]) for a in computed.json()["allocations"]] == [
        ("BOLT-10", "20.0000"),
        ("OIL-5", "30.0000"),
    ]
    books = stepped_up(accountant, site.tenant)
    assert books.post(f"{URL}{pk}/approve/", {}, format="json").status_code == 200
    posted = books.post(f"{URL}{pk}/post/", {}, format="json")
    assert posted.status_code == 200, posted.json()
    assert posted.json()["status"] == "posted"
    assert StockAvailability.objects.get(product=site.bolt).value == Decimal("28.0000")


def test_posting_without_a_recent_second_factor_is_refused_and_changes_nothing(site, receipt, accountant):
    books = stepped_up(accountant, site.tenant, recent=False)
    pk = _create(books, receipt).json()["id"]
    for name in ("compute", "approve"):
        assert books.post(f"{URL}{pk}/{name}/", {}, format="json").status_code == 200

    refused = books.post(f"{URL}{pk}/post/", {}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (403, "mfa_required")
    assert LandedCost.objects.get(pk=pk).status == LandedCostStatus.APPROVED
    assert StockAvailability.objects.get(product=site.bolt).value == Decimal("8.0000")


def test_a_buyer_cannot_post_even_stepped_up(site, receipt, purchaser, accountant):
    pk = _create(TenantAPIClient(accountant, site.tenant), receipt).json()["id"]
    for name in ("compute", "approve"):
        TenantAPIClient(accountant, site.tenant).post(f"{URL}{pk}/{name}/", {}, format="json")

    refused = stepped_up(purchaser, site.tenant).post(f"{URL}{pk}/post/", {}, format="json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert LandedCost.objects.get(pk=pk).status == LandedCostStatus.APPROVED


def test_a_warehouse_clerk_may_read_but_not_create(site, receipt, clerk):
    client = TenantAPIClient(clerk, site.tenant)

    assert client.get(URL).status_code == 200
    assert _create(client, receipt).status_code == 403
    assert not LandedCost.objects.exists()


def test_bad_input_answers_in_the_error_shape(site, receipt, purchaser):
    refused = _create(TenantAPIClient(purchaser, site.tenant), receipt, amount="-1", split_method="sideways")

    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"charges.0.amount", "charges.0.split_method"}
    assert not LandedCost.objects.exists()


def test_list_filters_and_csv_exports(site, receipt, accountant):
    books = stepped_up(accountant, site.tenant)
    pk = _create(books, receipt).json()["id"]
    _create(books, receipt)
    for name in ("compute", "approve", "post"):
        books.post(f"{URL}{pk}/{name}/", {}, format="json")

    listed = books.get(URL, {"status": "posted"})
    allocation = books.get(f"{URL}{pk}/allocation-csv/")
    journal = books.get(f"{URL}{pk}/journal-csv/")

    assert [row["id"] for row in listed.json()["results"]] == [pk]
    assert allocation["Content-Type"] == "text/csv; charset=utf-8"
    charge = LandedCost.objects.get(pk=pk).charges.get().pk
    assert allocation.content.decode().splitlines() == [
        "charge,kind,receipt,sku,quantity,basis,exact_share,allocated,on_hand,consumed",
        f"{charge},freight,{receipt.number},BOLT-10,2,2,20,20,BER1 20.00,0",
        f"{charge},freight,{receipt.number},OIL-5,3,3,30,30,BER1 30.00,0",
    ]
    assert journal.content.decode().splitlines() == [
        "entry,account,name,warehouse,debit,credit",
        "posting,inventory,Inventory,BER1,50.00,0",
        "posting,clearing,Landed-cost clearing,,0,50.00",
    ]
