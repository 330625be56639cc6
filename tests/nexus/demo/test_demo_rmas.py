"""``make demo`` has RMAs in every state, a few waiting for approval, and a clean ledger."""

import pytest
from django.core.management import call_command

from nexus.core import scope
from nexus.demo.management.commands.load_demo import DEMO_TENANT_SLUG
from nexus.inventory.services import check_stock_ledger
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import Rma, RmaStatus

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_the_demo_has_rmas_in_every_state(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    call_command("load_demo")

    with scope.tenant(Tenant.objects.get(slug=DEMO_TENANT_SLUG)):
        statuses = list(Rma.objects.order_by("id").values_list("status", flat=True))
        assert statuses == [
            RmaStatus.DRAFT,
            RmaStatus.SUBMITTED,
            RmaStatus.SUBMITTED,
            RmaStatus.SUBMITTED,
            RmaStatus.REJECTED,
            RmaStatus.CANCELLED,
            RmaStatus.AWAITING_RECEIPT,
            RmaStatus.PARTIALLY_RECEIVED,
            RmaStatus.RECEIVED,
            RmaStatus.INSPECTED,
            RmaStatus.RESOLVED,
            RmaStatus.CLOSED,
        ]
        assert Rma.objects.filter(credit_note__isnull=False).count() == 1
        assert Rma.objects.filter(replacement_order__isnull=False).count() == 1
        assert check_stock_ledger() == []
    assert "Created 12 returns (RMAs)" in capsys.readouterr().out
