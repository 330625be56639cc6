from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "nexus.inventory"
    label = "inventory"
    verbose_name = "Inventory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.tenancy.models import Role
        from nexus.tenancy.roles import Grant, extend_role

        # Sales clerks hold stock for the orders they take, and their shipments consume it.
        extend_role(
            Role.SALES,
            Grant(
                "inventory",
                frozenset({"view", "add", "change", "confirm", "release", "consume"}),
                models=frozenset({"reservation"}),
            ),
        )
