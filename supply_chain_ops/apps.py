from django.apps import AppConfig


class SupplyChainOpsConfig(AppConfig):
    name = "supply_chain_ops"
    label = "supply_chain_ops"
    verbose_name = "Supply chain operations"
    default_auto_field = "django.db.models.BigAutoField"
