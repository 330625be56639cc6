"""``make demo`` has a cross-dock: a delivery short of two waiting orders, staged oldest promise first."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from nexus.core import scope
from nexus.demo.management.commands.load_demo import DEMO_TENANT_SLUG
from nexus.inventory.models import Reservation
from nexus.inventory.services import check_stock_ledger
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import CrossDock

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_the_demo_has_a_delivery_staged_for_waiting_orders_and_a_clean_ledger(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    call_command("load_demo")

    with scope.tenant(Tenant.objects.get(slug=DEMO_TENANT_SLUG)):
        cross_dock = CrossDock.objects.get()
        lines = list(cross_dock.lines.order_by("promised_date"))
        assert [line.quantity for line in lines] == [Decimal("6.0000"), Decimal("2.0000")]
        assert cross_dock.staged_quantity == Decimal("8.0000")
        assert list(
            Reservation.objects.filter(location=cross_dock.staging_location).values_list(
                "quantity", flat=True
            )
        ) == [Decimal("6.0000"), Decimal("2.0000")]
        assert check_stock_ledger() == []
    assert "Added a cross-dock" in capsys.readouterr().out
