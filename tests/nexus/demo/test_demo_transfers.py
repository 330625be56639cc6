"""``make demo`` has transfer orders: one in transit, one partly received, one to approve."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from nexus.core import scope
from nexus.demo.management.commands.load_demo import DEMO_TENANT_SLUG
from nexus.inventory.services import check_stock_ledger
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import TransferOrder, TransferOrderStatus

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_the_demo_has_transfers_in_transit_and_a_clean_ledger(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    call_command("load_demo")

    with scope.tenant(Tenant.objects.get(slug=DEMO_TENANT_SLUG)):
        orders = list(TransferOrder.objects.order_by("id"))
        assert [order.status for order in orders] == [
            TransferOrderStatus.SHIPPED,
            TransferOrderStatus.PARTIALLY_RECEIVED,
            TransferOrderStatus.DRAFT,
        ]
        assert [line.in_transit for line in orders[1].lines.all()] == [Decimal("5.0000")]
        assert check_stock_ledger() == []
    assert "Added transfer orders" in capsys.readouterr().out
