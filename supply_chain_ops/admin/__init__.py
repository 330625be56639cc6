"""Admin screens of the supply-chain workflow records (and only of them)."""

from django.utils import timezone

from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.queues import register_queue
from supply_chain_ops.models import TransferOrder, TransferOrderStatus
from supply_chain_ops.models.transfers import IN_TRANSIT_STATES

# Each module registers its screens, queues, actions and links when imported.
from . import atp, cross_docks, dropship, landed_costs, planning, rmas, sourcing  # noqa: F401
from .transfers import OverdueFilter  # (the module registers its screens)

register_screen(Group.INVENTORY, model=TransferOrder, icon="local_shipping", order=90)

register_queue(
    "supply_chain.transfers_to_approve",
    title="Transfer orders to approve",
    group=Group.INVENTORY,
    permission="supply_chain_ops.approve_transferorder",
    queryset=lambda request: TransferOrder.objects.filter(status=TransferOrderStatus.DRAFT),
    changelist="admin:supply_chain_ops_transferorder_changelist",
    filters={"status__exact": TransferOrderStatus.DRAFT},
    order=70,
)
register_queue(
    "supply_chain.transfers_in_transit",
    title="Transfers in transit",
    group=Group.INVENTORY,
    permission="supply_chain_ops.receive_transferorder",
    queryset=lambda request: TransferOrder.objects.filter(status__in=IN_TRANSIT_STATES),
    changelist="admin:supply_chain_ops_transferorder_changelist",
    filters={"status__in": ",".join(IN_TRANSIT_STATES)},
    order=71,
)
register_queue(
    "supply_chain.transfers_overdue",
    title="Overdue transfers",
    description="In transit past their expected arrival.",
    group=Group.INVENTORY,
    permission="supply_chain_ops.view_transferorder",
    queryset=lambda request: TransferOrder.objects.filter(
        status__in=IN_TRANSIT_STATES, expected_date__lt=timezone.localdate()
    ),
    changelist="admin:supply_chain_ops_transferorder_changelist",
    filters={OverdueFilter.parameter_name: "yes"},
    order=72,
)
