from django.apps import AppConfig


class SupplyChainOpsConfig(AppConfig):
    name = "supply_chain_ops"
    label = "supply_chain_ops"
    verbose_name = "Supply chain operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import listeners, wiring
        from .permissions import DUTY_GRANTS, VENDOR_SCOPES

        wiring.role_grants().grant(DUTY_GRANTS)
        wiring.vendor_tokens().offer_to_vendors(VENDOR_SCOPES)
        listeners.register()
        self._declare_transfer_writes()
        self._declare_landed_cost_writes()
        self._declare_dropship_writes()
        self._declare_rma_writes()
        self._declare_planning_writes()

    @staticmethod
    def _declare_transfer_writes() -> None:
        from nexus.core.transitions import declare_writes

        from .models.transfers import TransferOrder
        from .workflows import transfers

        transfers.register_line_source()
        declare_writes(TransferOrder, "approve", transfers.reserve_at_source)
        declare_writes(TransferOrder, "ship", transfers.ship_into_transit)
        declare_writes(TransferOrder, ["receive_part", "receive_all"], transfers.receive_from_transit)
        declare_writes(TransferOrder, "close", transfers.write_off_in_transit)
        declare_writes(TransferOrder, "cancel", transfers.release_reservations)

    @staticmethod
    def _declare_rma_writes() -> None:
        from nexus.core.transitions import declare_writes

        from .models.rmas import Rma
        from .workflows import rmas

        rmas.register_line_source()
        declare_writes(Rma, "submit", rmas.claim_on_submit)
        declare_writes(Rma, "approve", rmas.approve_lines)
        declare_writes(Rma, "reject", rmas.notify_rejected)
        declare_writes(Rma, ["receive_part", "receive_all"], rmas.receive_goods)
        declare_writes(Rma, "inspect", rmas.inspect_goods)
        declare_writes(Rma, "resolve", rmas.resolve_rma)
        declare_writes(Rma, "close", rmas.stamp_closed)

    @staticmethod
    def _declare_landed_cost_writes() -> None:
        from nexus.core.transitions import declare_writes

        from .models import LandedCost
        from .workflows import landed_costs

        declare_writes(LandedCost, "compute", landed_costs.compute)
        declare_writes(LandedCost, "post", landed_costs.post)
        declare_writes(LandedCost, "reverse", landed_costs.reverse)

    @staticmethod
    def _declare_dropship_writes() -> None:
        from nexus.core.transitions import declare_writes

        from .models import DropshipOrder
        from .workflows import dropship

        declare_writes(DropshipOrder, ["create_purchase_orders", "resume"], dropship.order_from_vendors)
        declare_writes(DropshipOrder, "hold", dropship.note_exception)
        declare_writes(DropshipOrder, "send", dropship.send_to_vendors)
        declare_writes(DropshipOrder, ["ship_part", "ship_all"], dropship.ship_lines)
        declare_writes(DropshipOrder, "close", dropship.close_purchase_orders)
        declare_writes(DropshipOrder, "cancel", dropship.cancel_purchase_orders)

    @staticmethod
    def _declare_planning_writes() -> None:
        from nexus.core.transitions import declare_writes

        from .models import BalancingRun, ReplenishmentRun
        from .workflows import balancing, replenishment

        declare_writes(ReplenishmentRun, "approve", replenishment.approve_pending)
        declare_writes(ReplenishmentRun, "release", replenishment.create_requisitions)
        declare_writes(BalancingRun, "approve", balancing.approve_transfers)
