"""Every transition's writes are declared with it, and the admin, the API and the service run them.

The admin and API mixins call the transition service with no writes of their own, and the
service refuses writes from a caller for a transition that declares some; so what runs is what
the registry holds. These tests pin the registry for every declared transition of every model,
and show each path running the same declared writes for the transitions people use most.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from identity_ops.workflows import invitations, lifecycle, mfa_enrolment, registration
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import (
    TransitionChange,
    declared_transitions,
    declared_writes,
    perform_transition,
)
from nexus.core.transitions import writes as registry
from nexus.core.transitions.writes import declared_lock_first
from nexus.inventory import services as inventory
from nexus.inventory.models import Reservation, ReservationState, StockAvailability, StockMove
from nexus.inventory.services.reservations import consume_open, give_back_open
from nexus.procurement.models import GoodsReceipt, GoodsReceiptStatus
from nexus.procurement.services import draft_receipt
from nexus.procurement.services.bills import fix_total
from nexus.procurement.services.receiving import receive_into_stock
from nexus.procurement.services.requisitions import create_orders
from nexus.receivable.services.credit_notes import number_and_total
from nexus.sales.services.orders import release_reservations, reserve_for_confirmed
from nexus.sales.services.shipping import ship_out_of_stock
from nexus.tenancy.models import Role
from nexus.tenancy.services import lock_administrators
from supply_chain_ops.workflows import balancing, dropship, landed_costs, replenishment, rmas, transfers
from tests.factories.inventory import reservation_source
from tests.kernel_example.writes import keep_archive_note
from tests.nexus.procurement.conftest import Site, make_site, member
from tests.nexus.procurement.helpers import TenantAdminClient, TenantAPIClient, messages_of, sent_order

pytestmark = pytest.mark.django_db

EXPECTED_WRITES: dict[tuple[str, str], Callable[[TransitionChange], Any]] = {
    ("inventory.reservation", "release"): give_back_open,
    ("inventory.reservation", "expire"): give_back_open,
    ("inventory.reservation", "consume"): consume_open,
    ("procurement.goodsreceipt", "post"): receive_into_stock,
    ("procurement.vendorbill", "approve"): fix_total,
    ("procurement.requisition", "convert"): create_orders,
    ("sales.salesorder", "confirm"): reserve_for_confirmed,
    ("sales.salesorder", "cancel"): release_reservations,
    ("sales.salesorder", "close"): release_reservations,
    ("sales.shipment", "post"): ship_out_of_stock,
    ("receivable.creditnote", "issue"): number_and_total,
    ("tenancy.membership", "suspend"): lifecycle.membership_changed,
    ("tenancy.membership", "reinstate"): lifecycle.membership_changed,
    ("tenancy.membership", "remove"): lifecycle.membership_changed,
    ("accounts.user", "activate"): lifecycle.person_changed,
    ("accounts.user", "suspend"): lifecycle.person_changed,
    ("accounts.user", "reinstate"): lifecycle.person_changed,
    ("accounts.user", "deactivate"): lifecycle.person_changed,
    ("accounts.user", "reactivate"): lifecycle.person_changed,
    ("identity_ops.invitation", "revoke"): invitations.withdraw_revoked,
    ("identity_ops.invitation", "expire"): invitations.withdraw_expired,
    ("identity_ops.registration", "expire"): registration.withdraw_expired,
    ("identity_ops.mfaenrolment", "cancel"): mfa_enrolment.discard_authenticator,
    ("kernel_example.gadget", "archive"): keep_archive_note,
    ("supply_chain_ops.transferorder", "approve"): transfers.reserve_at_source,
    ("supply_chain_ops.transferorder", "ship"): transfers.ship_into_transit,
    ("supply_chain_ops.transferorder", "receive_part"): transfers.receive_from_transit,
    ("supply_chain_ops.transferorder", "receive_all"): transfers.receive_from_transit,
    ("supply_chain_ops.transferorder", "close"): transfers.write_off_in_transit,
    ("supply_chain_ops.transferorder", "cancel"): transfers.release_reservations,
    ("supply_chain_ops.landedcost", "compute"): landed_costs.compute,
    ("supply_chain_ops.landedcost", "post"): landed_costs.post,
    ("supply_chain_ops.landedcost", "reverse"): landed_costs.reverse,
    ("supply_chain_ops.dropshiporder", "create_purchase_orders"): dropship.order_from_vendors,
    ("supply_chain_ops.dropshiporder", "resume"): dropship.order_from_vendors,
    ("supply_chain_ops.dropshiporder", "hold"): dropship.note_exception,
    ("supply_chain_ops.dropshiporder", "send"): dropship.send_to_vendors,
    ("supply_chain_ops.dropshiporder", "ship_part"): dropship.ship_lines,
    ("supply_chain_ops.dropshiporder", "ship_all"): dropship.ship_lines,
    ("supply_chain_ops.dropshiporder", "close"): dropship.close_purchase_orders,
    ("supply_chain_ops.dropshiporder", "cancel"): dropship.cancel_purchase_orders,
    ("supply_chain_ops.rma", "submit"): rmas.claim_on_submit,
    ("supply_chain_ops.rma", "approve"): rmas.approve_lines,
    ("supply_chain_ops.rma", "reject"): rmas.notify_rejected,
    ("supply_chain_ops.rma", "receive_part"): rmas.receive_goods,
    ("supply_chain_ops.rma", "receive_all"): rmas.receive_goods,
    ("supply_chain_ops.rma", "inspect"): rmas.inspect_goods,
    ("supply_chain_ops.rma", "resolve"): rmas.resolve_rma,
    ("supply_chain_ops.rma", "close"): rmas.stamp_closed,
    ("supply_chain_ops.replenishmentrun", "approve"): replenishment.approve_pending,
    ("supply_chain_ops.replenishmentrun", "release"): replenishment.create_requisitions,
    ("supply_chain_ops.balancingrun", "approve"): balancing.approve_transfers,
}
EXPECTED_LOCKS_FIRST = {
    ("tenancy.membership", "suspend"): lock_administrators,
    ("tenancy.membership", "remove"): lock_administrators,
}


def every_declared_transition() -> Iterator[tuple[Any, str]]:
    for model in apps.get_models():
        for spec in declared_transitions(model):
            yield model, spec.name


def test_every_declared_transition_has_exactly_the_writes_it_is_known_for():
    walked = list(every_declared_transition())
    writes = {
        (model._meta.label_lower, name): declared_writes(model, name)
        for model, name in walked
        if declared_writes(model, name) is not None
    }
    locks = {
        (model._meta.label_lower, name): declared_lock_first(model, name)
        for model, name in walked
        if declared_lock_first(model, name) is not None
    }

    assert len(walked) > len(EXPECTED_WRITES)
    assert writes == EXPECTED_WRITES
    assert locks == EXPECTED_LOCKS_FIRST


def test_the_registry_holds_nothing_for_an_undeclared_transition():
    declared = {(model._meta.label_lower, name) for model, name in every_declared_transition()}

    assert set(registry._writes) <= declared
    assert set(registry._locks_first) <= declared


@pytest.fixture
def site(db: None) -> Iterator[Site]:
    made = make_site()
    with scope.tenant(made.tenant):
        yield made


@pytest.fixture
def boss(site: Site) -> Any:
    return member(site.tenant, Role.ADMIN, "boss@acme.example")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], list[str]]:
    """Record each run of a transition's declared writes (which still run as declared)."""

    def watch(label: str, name: str) -> list[str]:
        seen: list[str] = []
        declared = registry._writes[(label, name)]

        def recording(change: TransitionChange) -> Any:
            seen.append(f"{change.instance._meta.label_lower}#{change.instance.pk}.{change.name}")
            return declared(change)

        monkeypatch.setitem(registry._writes, (label, name), recording)
        return seen

    return watch


def perform(path: str, user: Any, site: Site, resource: str, admin_url: str, obj: Any, name: str) -> None:
    """Perform ``name`` on ``obj`` as ``user`` through the admin's button, the API or the service."""
    if path == "admin":
        page = TenantAdminClient(user, site.tenant).post(
            f"/admin/{admin_url}/{obj.pk}/transition/{name}/", {"reason": "asked for"}
        )
        assert (page.status_code, [level for level, _ in messages_of(page)]) == (302, ["success"])
    elif path == "api":
        answer = TenantAPIClient(user, site.tenant).post(
            f"/api/v1/{resource}/{obj.pk}/{name}/", {"reason": "asked for"}, format="json"
        )
        assert answer.status_code == 200, answer.content
    else:
        perform_transition(obj, name, actor=user, reason="asked for")


PATHS = ["admin", "api", "service"]
DAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize("path", PATHS)
def test_releasing_a_reservation_gives_its_stock_back_whichever_path_asks(path, site, boss, calls):
    system = ActorRef.system("tests")
    inventory.receive(site.bolt.pk, site.stock_a.pk, 10, "1.00", actor=system)
    line = reservation_source()
    reservation = inventory.reserve(
        inventory.ReservationRequest(site.bolt.pk, site.warehouse.pk, 4, DAY, line), actor=system
    )
    seen = calls("inventory.reservation", "release")

    perform(path, boss, site, "reservations", "inventory/reservation", reservation, "release")

    assert seen == [f"inventory.reservation#{reservation.pk}.release"]
    assert Reservation.objects.get(pk=reservation.pk).state == ReservationState.RELEASED
    assert StockAvailability.objects.get(product=site.bolt).reserved == Decimal(0)
    assert inventory.check_stock_ledger() == []


@pytest.mark.parametrize("path", PATHS)
def test_posting_a_receipt_moves_its_stock_whichever_path_asks(path, site, boss, calls):
    receipt = draft_receipt(sent_order(site, boss, (site.bolt, "10", "4.25")))
    seen = calls("procurement.goodsreceipt", "post")

    perform(path, boss, site, "goods-receipts", "procurement/goodsreceipt", receipt, "post")

    assert seen == [f"procurement.goodsreceipt#{receipt.pk}.post"]
    assert GoodsReceipt.objects.get(pk=receipt.pk).status == GoodsReceiptStatus.POSTED
    assert list(StockMove.objects.values_list("product_id", "to_location_id", "quantity")) == [
        (site.bolt.pk, site.stock_a.pk, Decimal(10))
    ]
    assert inventory.check_stock_ledger() == []
