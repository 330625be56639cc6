"""The demo has landed costs in each state, one computed and waiting for review, made once."""

import pytest
from django.core.management import call_command

from nexus.core import scope
from nexus.demo.management.commands.load_demo import DEMO_TENANT_SLUG
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import LandedCost

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_the_demo_has_landed_costs_in_each_state_and_running_again_adds_none(capsys):
    call_command("load_demo", size="small")
    call_command("load_demo", size="small")

    with scope.tenant(Tenant.objects.get(slug=DEMO_TENANT_SLUG)):
        states = sorted(LandedCost.objects.values_list("status", flat=True))
        reversed_ = LandedCost.objects.get(status="reversed")
        assert reversed_.journal
        assert reversed_.reversal_journal
    assert states == ["approved", "cancelled", "computed", "draft", "posted", "reversed"]
    assert "Created 6 landed costs, one computed and waiting for review." in capsys.readouterr().out
