"""Races between interface requests, and the integrity checks that must hold after them."""

from collections.abc import Callable
from io import StringIO
from typing import Any

from django.core.management import call_command

from nexus.core.audit.sealer import seal_chains

from .concurrency import run_in_parallel

Request = Callable[[], Any]


def race(*requests: Request) -> list[Any]:
    """Send the requests at once, one thread each; return their responses in the same order.

    A request that raised fails the test with its exception: an interface answers every error.
    """
    outcomes = run_in_parallel(lambda index: requests[index](), len(requests))
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
    return [outcome.value for outcome in outcomes]


def assert_ledger_and_audit_chain_clean(tenant_slug: str) -> None:
    """``check_stock_ledger`` and ``verify_audit_chain`` pass for the tenant (after sealing its events)."""
    seal_chains()
    call_command("check_stock_ledger", tenant=tenant_slug, stdout=StringIO(), stderr=StringIO())
    call_command("verify_audit_chain", stdout=StringIO(), stderr=StringIO())
