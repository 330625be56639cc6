from django.apps import AppConfig


class SupplyChainOpsConfig(AppConfig):
    name = "supply_chain_ops"
    label = "supply_chain_ops"
    verbose_name = "Supply chain operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.core.transitions import declare_writes

        from . import listeners, wiring
        from .models import LandedCost
        from .permissions import DUTY_GRANTS
        from .workflows import landed_costs

        wiring.role_grants().grant(DUTY_GRANTS)
        listeners.register()
        declare_writes(LandedCost, "compute", landed_costs.compute)
        declare_writes(LandedCost, "approve", landed_costs.approve)
        declare_writes(LandedCost, "post", landed_costs.post)
        declare_writes(LandedCost, "reverse", landed_costs.reverse)
        declare_writes(LandedCost, "cancel", landed_costs.cancel)
