"""``manage.py run_replenishment`` and the nightly task."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nexus.core import scope
from supply_chain_ops.models import BalancingRun, ReplenishmentRun, RunStatus
from supply_chain_ops.tasks import replenish_tenant
from tests.supply_chain_ops.planning_site import PlanningSite, planning_site

pytestmark = pytest.mark.django_db
__all__ = ["planning_site"]


def test_the_command_plans_with_a_progress_bar(planning_site: PlanningSite) -> None:
    out = StringIO()
    with scope.tenant(None):
        call_command("run_replenishment", tenant="plan", stdout=out)
    run = ReplenishmentRun.objects.get()
    text = out.getvalue()
    assert "[##############################] 5/5" in text
    assert f"plan: {run.number} planned 3 series; 1 purchase and 0 transfer suggestion(s)." in text
    assert run.status == RunStatus.PROPOSED


def test_the_command_runs_balancing_and_refuses_an_unknown_tenant(planning_site: PlanningSite) -> None:
    planning_site.put(planning_site.hamburg, 300)
    out = StringIO()
    with scope.tenant(None):
        call_command("run_replenishment", tenant="plan", balancing=True, stdout=out)
        with pytest.raises(CommandError, match="no tenant"):
            call_command("run_replenishment", tenant="nope", stdout=out)
    assert "proposes 1 transfer line(s)" in out.getvalue()
    assert BalancingRun.objects.get().status == RunStatus.PROPOSED


def test_the_nightly_task_runs_in_its_tenant(planning_site: PlanningSite) -> None:
    run_id = replenish_tenant()
    run = ReplenishmentRun.objects.get(pk=run_id)
    assert (run.trigger, run.status) == ("nightly", RunStatus.PROPOSED)


def test_the_backtest_reports_per_method_beside_the_naive_forecast(planning_site: PlanningSite) -> None:
    out = StringIO()
    with scope.tenant(None):
        call_command("forecast_backtest", tenant="plan", weeks=1, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "1 series, 28 days, the last 1 weeks held out."
    assert lines[1].split() == ["method", "series", "WAPE", "MASE", "naive", "WAPE", "naive", "MASE"]
    assert [line.split()[:2] for line in lines[2:]] == [["ses", "1"], ["overall", "1"]]
