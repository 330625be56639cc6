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

        from nexus.core.transitions import declare_writes

        from .models import Reservation
        from .services.reservations import consume_open, give_back_open

        # Whoever releases, expires or consumes a reservation gives its open quantity back.
        declare_writes(Reservation, ["release", "expire"], give_back_open)
        declare_writes(Reservation, "consume", consume_open)
