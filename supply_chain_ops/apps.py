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
