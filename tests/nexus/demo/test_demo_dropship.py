"""``make demo`` has dropship orders in each state (pending when the history leaves one open)."""

import pytest
from django.core.management import call_command

from nexus.core import scope
from nexus.demo.management.commands.load_demo import DEMO_TENANT_SLUG
from nexus.inventory.services import check_stock_ledger
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import DropshipException, DropshipOrder, DropshipStatus

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_the_demo_has_dropship_orders_in_each_state(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    call_command("load_demo")

    with scope.tenant(Tenant.objects.get(slug=DEMO_TENANT_SLUG)):
        states = set(DropshipOrder.objects.values_list("status", flat=True))
        kinds = set(
            DropshipOrder.objects.filter(status=DropshipStatus.EXCEPTION).values_list(
                "exception_kind", flat=True
            )
        )
        # Pending needs an open order of the simulated history with a dropship line.
        assert states - {DropshipStatus.PENDING} == set(DropshipStatus.values) - {DropshipStatus.PENDING}
        assert kinds == set(DropshipException.values)
        assert check_stock_ledger() == []
    assert "dropship orders, one in each state" in capsys.readouterr().out
