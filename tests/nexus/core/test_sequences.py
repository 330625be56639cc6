"""Document numbers: per tenant, type and year; unique under concurrency; gap-free on request."""

import threading

import pytest
from django.db import connection, transaction

from nexus.core import scope, sequences
from nexus.core.errors import InvalidInput, TenantRequired
from nexus.core.models import SequenceCounter
from nexus.core.sequences import INCREMENT_SQL, format_number, next_number
from tests.factories.people import TenantFactory
from tests.helpers.concurrency import run_in_parallel


@pytest.fixture
def acme(db):
    return TenantFactory.create(slug="acme")


@pytest.fixture
def globex(db):
    return TenantFactory.create(slug="globex")


def _counters() -> dict[tuple[str, int, str], int]:
    with scope.system_context("test: read counters"):
        return {
            (c.tenant.slug, c.year, c.doc_type): c.last_value
            for c in SequenceCounter.objects.select_related("tenant")
        }


@pytest.mark.smoke
def test_numbers_count_per_tenant_type_and_year(acme, globex):
    with scope.tenant(acme):
        assert next_number("RMA", year=2026) == "RMA-2026-000001"
        assert next_number("RMA", year=2026) == "RMA-2026-000002"
        assert next_number("PO", year=2026) == "PO-2026-000001"
        assert next_number("RMA", year=2027) == "RMA-2027-000001"
    assert next_number("RMA", tenant_id=globex.pk, year=2026) == "RMA-2026-000001"

    assert _counters() == {
        ("acme", 2026, "RMA"): 2,
        ("acme", 2026, "PO"): 1,
        ("acme", 2027, "RMA"): 1,
        ("globex", 2026, "RMA"): 1,
    }


def test_the_year_defaults_to_this_year_in_the_active_time_zone(acme):
    from django.utils import timezone

    with scope.tenant(acme):
        assert next_number("RMA") == f"RMA-{timezone.localdate().year}-000001"


def test_the_table_in_the_statement_is_the_counters_table():
    assert f"INTO {SequenceCounter._meta.db_table} " in INCREMENT_SQL


def test_numbers_beyond_six_digits_keep_growing():
    assert format_number("INV", 2026, 42) == "INV-2026-000042"
    assert format_number("INV", 2026, 1234567) == "INV-2026-1234567"


@pytest.mark.parametrize("doc_type", ["rma", "", "R-MA", "1RMA", "A" * 33])
def test_a_malformed_type_is_refused_and_allocates_nothing(acme, doc_type):
    with scope.tenant(acme), pytest.raises(InvalidInput, match="is not a document type"):
        next_number(doc_type)
    assert _counters() == {}


def test_a_tenant_is_required(db):
    with pytest.raises(TenantRequired):
        next_number("RMA")


def test_gap_free_numbers_roll_back_with_the_document(acme):
    def create_and_fail() -> None:
        with transaction.atomic():
            assert next_number("INV", year=2026, gap_free=True) == "INV-2026-000002"
            raise RuntimeError("the invoice could not be created")

    with scope.tenant(acme):
        assert next_number("INV", year=2026, gap_free=True) == "INV-2026-000001"
        with pytest.raises(RuntimeError):
            create_and_fail()
        assert next_number("INV", year=2026, gap_free=True) == "INV-2026-000002"


def test_registered_types_are_gap_free(acme, monkeypatch):
    monkeypatch.setattr(sequences, "GAP_FREE_DOC_TYPES", set())
    sequences.require_gap_free("CN")
    assert {"CN"} == sequences.GAP_FREE_DOC_TYPES
    with pytest.raises(InvalidInput):
        sequences.require_gap_free("cn")


@pytest.mark.django_db(transaction=True)
def test_gap_free_numbers_need_the_documents_transaction(monkeypatch):
    tenant = TenantFactory.create(slug="solo")
    monkeypatch.setattr(sequences, "GAP_FREE_DOC_TYPES", {"INV"})
    with (
        scope.tenant(tenant),
        pytest.raises(transaction.TransactionManagementError, match="inside the transaction"),
    ):
        next_number("INV")
    assert _counters() == {}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_number_is_committed_at_once():
    tenant = TenantFactory.create(slug="solo")
    with scope.tenant(tenant):
        assert next_number("RMA", year=2026) == "RMA-2026-000001"
    assert _counters() == {("solo", 2026, "RMA"): 1}


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_by_default_a_rolled_back_document_leaves_a_gap_and_nobody_waits_for_it():
    tenant = TenantFactory.create(slug="busy")
    first_taken, second_taken = threading.Event(), threading.Event()

    def worker(index: int) -> str:
        with scope.tenant(tenant):
            if index == 0:
                with transaction.atomic():
                    number = next_number("RMA", year=2026)
                    first_taken.set()
                    # Still open: the other allocation must not wait for this transaction.
                    assert second_taken.wait(10), "the second allocation waited for the first"
                    transaction.set_rollback(True)
                return number
            assert first_taken.wait(10)
            with transaction.atomic():
                number = next_number("RMA", year=2026)
            second_taken.set()
            return number

    outcomes = run_in_parallel(worker, 2)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert [o.value for o in outcomes] == ["RMA-2026-000001", "RMA-2026-000002"]
    with scope.tenant(tenant):
        assert next_number("RMA", year=2026) == "RMA-2026-000003"  # 1 was given out and not used


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_eight_threads_get_distinct_numbers():
    tenant = TenantFactory.create(slug="parallel")

    def allocate(index: int) -> list[str]:
        with scope.tenant(tenant), transaction.atomic():
            return [next_number("RMA", year=2026) for _ in range(5)]

    outcomes = run_in_parallel(allocate, 8)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    numbers = [n for o in outcomes for n in o.value]
    assert sorted(numbers) == [format_number("RMA", 2026, v) for v in range(1, 41)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_gap_free_numbers_stay_contiguous_when_concurrent_documents_fail():
    tenant = TenantFactory.create(slug="fiscal")

    def create(index: int) -> str | None:
        with scope.tenant(tenant), transaction.atomic():
            number = next_number("INV", year=2026, gap_free=True)
            if index % 2:
                transaction.set_rollback(True)
                return None
            return number

    outcomes = run_in_parallel(create, 8)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    kept = sorted(o.value for o in outcomes if o.value)
    assert kept == [format_number("INV", 2026, v) for v in range(1, 5)]
    assert _counters() == {("fiscal", 2026, "INV"): 4}


def _allocator_pid() -> int:
    return int(sequences._allocator.connection.connection.info.backend_pid)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_ordinary_numbers_reuse_one_allocator_connection_and_start_no_thread(monkeypatch):
    tenant = TenantFactory.create(slug="reuse")
    started: list[threading.Thread] = []
    real_start = threading.Thread.start

    def recording_start(self: threading.Thread) -> None:
        started.append(self)
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", recording_start)
    with scope.tenant(tenant), transaction.atomic():
        first = next_number("RMA", year=2026)
        pid = _allocator_pid()
        second = next_number("RMA", year=2026)
        assert _allocator_pid() == pid
    with scope.tenant(tenant), transaction.atomic():
        assert next_number("RMA", year=2026) == "RMA-2026-000003"
        assert _allocator_pid() == pid
    assert (first, second) == ("RMA-2026-000001", "RMA-2026-000002")
    assert started == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_lost_allocator_connection_is_replaced():
    tenant = TenantFactory.create(slug="lost")
    with scope.tenant(tenant), transaction.atomic():
        assert next_number("RMA", year=2026) == "RMA-2026-000001"
        lost = _allocator_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [lost])
    with scope.tenant(tenant), transaction.atomic():
        assert next_number("RMA", year=2026) == "RMA-2026-000002"
        assert _allocator_pid() != lost
