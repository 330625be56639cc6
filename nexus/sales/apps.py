from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "nexus.sales"
    label = "sales"
    verbose_name = "Sales"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.inventory.services import register_reservation_source, rows_of
        from nexus.sales.models import LINE_SOURCE_TYPE, SalesOrderLine
        from nexus.tenancy.models import Role
        from nexus.tenancy.roles import ANY, Grant, extend_role

        # Confirmed orders hold stock for their lines.
        register_reservation_source(LINE_SOURCE_TYPE, rows_of(SalesOrderLine))

        # Warehouse clerks ship the goods.
        extend_role(
            Role.WAREHOUSE_CLERK,
            Grant("sales", frozenset({ANY}), models=frozenset({"shipment", "shipmentline"})),
        )

        from nexus.core.transitions import declare_writes

        from .models import SalesOrder, Shipment
        from .services.orders import release_reservations, reserve_for_confirmed
        from .services.shipping import ship_out_of_stock

        # What these transitions write, whoever performs them (docs/kernel.md).
        declare_writes(SalesOrder, "confirm", reserve_for_confirmed)
        declare_writes(SalesOrder, ["cancel", "close"], release_reservations)
        declare_writes(Shipment, "post", ship_out_of_stock)
