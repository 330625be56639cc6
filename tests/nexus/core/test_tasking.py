"""Celery tasks carry the tenant they were queued in, and leave no scope behind."""

import time
from typing import Any

import pytest
from celery import shared_task
from django.core.cache import cache
from django.db import connection

from nexus.celery import app
from nexus.core import scope
from nexus.core.errors import TenantRequired
from nexus.core.tasking import TENANT_HEADER, TenantTask
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import TenantFactory
from tests.kernel_example.models import Gadget


@shared_task(name="tests.tenant_probe")
def tenant_probe(key: str = "") -> dict[str, Any]:
    """Report the scope the task runs in and what the ORM and the database let it see.

    The report is also left in the (process-wide) cache under ``key``, for tests that run a
    worker: they read it there rather than depend on the result backend.
    """
    try:
        visible: Any = sorted(Gadget.objects.values_list("name", flat=True))
    except TenantRequired:
        visible = "tenant_required"
    setting = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.tenant_id', true)")
            setting = cursor.fetchone()[0]
    current = scope.current_scope()
    report = {
        "tenant_id": current.tenant_id,
        "system": current.system,
        "visible": visible,
        "setting": setting,
    }
    if key:
        cache.set(key, report, timeout=60)
    return report


@shared_task(name="tests.failing_probe")
def failing_probe() -> None:
    raise RuntimeError("task failed")


@pytest.fixture
def tenants(db):
    a, b = TenantFactory.create(slug="acme"), TenantFactory.create(slug="globex")
    with scope.tenant(a):
        GadgetFactory.create(name="acme gadget")
    with scope.tenant(b):
        GadgetFactory.create(name="globex gadget")
    return a, b


def setting_for(tenant_id):
    return None if connection.vendor != "postgresql" else ("" if tenant_id is None else str(tenant_id))


@pytest.mark.smoke
def test_tenant_task_is_the_default_task_class():
    assert isinstance(app.tasks["tests.tenant_probe"], TenantTask)
    assert app.conf.task_always_eager


def test_an_eager_task_runs_in_the_tenant_it_was_queued_in(tenants):
    a, _ = tenants
    with scope.tenant(a):
        report = tenant_probe.delay().get()
        assert scope.current_tenant_id() == a.pk  # the caller's scope is given back

    assert report == {
        "tenant_id": a.pk,
        "system": False,
        "visible": ["acme gadget"],
        "setting": setting_for(a.pk),
    }


def test_a_task_queued_without_a_tenant_runs_without_one(tenants):
    report = tenant_probe.delay().get()

    assert report == {
        "tenant_id": None,
        "system": False,
        "visible": "tenant_required",
        "setting": setting_for(None),
    }


def test_the_system_context_does_not_travel_with_a_task(tenants):
    with scope.system_context("test: queue from the system context"):
        report = tenant_probe.delay().get()
        assert scope.in_system_context()

    assert (report["tenant_id"], report["system"]) == (None, False)


def test_a_caller_may_name_the_tenant_explicitly(tenants):
    a, b = tenants
    with scope.tenant(a):
        report = tenant_probe.apply_async(headers={TENANT_HEADER: b.pk, "trace": "x"}).get()

    assert (report["tenant_id"], report["visible"]) == (b.pk, ["globex gadget"])


def test_a_direct_call_runs_in_the_callers_scope(tenants):
    a, _ = tenants
    with scope.tenant(a):
        assert tenant_probe()["tenant_id"] == a.pk


def test_a_failing_eager_task_gives_the_caller_its_scope_back(tenants):
    a, _ = tenants
    with scope.tenant(a):
        with pytest.raises(RuntimeError, match="task failed"):
            failing_probe.delay()
        assert scope.current_tenant_id() == a.pk


@pytest.mark.redis
@pytest.mark.usefixtures("celery_worker")
def test_a_worker_runs_each_task_in_its_tenant_and_resets_the_scope(tenants):
    a, b = tenants
    with scope.tenant(a):
        tenant_probe.delay("probe-a")
    with scope.tenant(b):
        tenant_probe.delay("probe-b")
    tenant_probe.delay("probe-none")

    assert reported("probe-a") == {
        "tenant_id": a.pk,
        "system": False,
        "visible": ["acme gadget"],
        "setting": setting_for(a.pk),
    }
    assert reported("probe-b")["visible"] == ["globex gadget"]
    # The same worker thread and connection served the tenants' tasks just before.
    assert reported("probe-none") == {
        "tenant_id": None,
        "system": False,
        "visible": "tenant_required",
        "setting": setting_for(None),
    }


def reported(key: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (report := cache.get(key)) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the worker did not run the task for {key!r}")
        time.sleep(0.05)
    return report
