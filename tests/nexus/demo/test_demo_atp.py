"""The demo's ATP loader learns lead times and makes one quote and one firm promise, once."""

import pytest

from nexus.demo.loaders.atp import load_atp
from supply_chain_ops.models import Promise, PromiseKind
from tests.supply_chain_ops.atp_site import atp_site, on_hand, sales_order

pytestmark = pytest.mark.django_db
__all__ = ["atp_site"]


def test_a_quote_and_a_firm_promise_once(atp_site):
    site = atp_site
    on_hand(site, "3")
    sales_order(site, (2, "5"))  # 3 reserved, 2 unreserved
    sales_order(site, (4, "4"), confirm=False)

    assert load_atp(site.tenant, site.seller) == (1, 2)
    assert load_atp(site.tenant, site.seller) == (1, 0)
    assert sorted((p.kind, p.quantity) for p in Promise.objects.all()) == [
        (PromiseKind.FIRM, 2),
        (PromiseKind.QUOTE, 4),
    ]
