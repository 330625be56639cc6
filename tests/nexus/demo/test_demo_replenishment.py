"""The demo's planner finds a proposed replenishment run with explained lines, made once."""

import pytest
from django.core.management import call_command

from nexus.core import scope
from nexus.demo.management.commands.load_demo import DEMO_TENANT_SLUG
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import ReplenishmentRun, RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_the_demo_has_a_proposed_run_with_explained_lines(capsys):
    call_command("load_demo", size="full")
    call_command("load_demo", size="full")

    with scope.tenant(Tenant.objects.get(slug=DEMO_TENANT_SLUG)):
        run = ReplenishmentRun.objects.get()
        lines = list(run.lines.all())
    assert run.status == RunStatus.PROPOSED
    assert run.series_count > 0
    assert lines
    for line in lines:
        assert "reorder point" in line.explanation
        assert line.position < line.reorder_point
        assert line.quantity > 0
    assert f"Proposed replenishment run {run.number}" in capsys.readouterr().out
