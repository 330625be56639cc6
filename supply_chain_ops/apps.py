from django.apps import AppConfig


class SupplyChainOpsConfig(AppConfig):
    name = "supply_chain_ops"
    label = "supply_chain_ops"
    verbose_name = "Supply chain operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import listeners, wiring
        from .permissions import DUTY_GRANTS

        wiring.role_grants().grant(DUTY_GRANTS)
        listeners.register()
        self._declare_transfer_writes()
        self._declare_landed_cost_writes()
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
    def _declare_landed_cost_writes() -> None:
        from nexus.core.transitions import declare_writes

        from .models import LandedCost
        from .workflows import landed_costs

        declare_writes(LandedCost, "compute", landed_costs.compute)
        declare_writes(LandedCost, "post", landed_costs.post)
        declare_writes(LandedCost, "reverse", landed_costs.reverse)

    @staticmethod
    def _declare_planning_writes() -> None:
        from nexus.core.transitions import declare_writes

        from .models import BalancingRun, ReplenishmentRun
        from .workflows import balancing, replenishment

        declare_writes(ReplenishmentRun, "approve", replenishment.approve_pending)
        declare_writes(ReplenishmentRun, "release", replenishment.create_requisitions)
        declare_writes(BalancingRun, "approve", balancing.approve_transfers)
