from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "nexus.sales"
    label = "sales"
    verbose_name = "Sales"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.tenancy.models import Role
        from nexus.tenancy.roles import ANY, Grant, extend_role

        # Warehouse clerks ship the goods.
        extend_role(
            Role.WAREHOUSE_CLERK,
            Grant("sales", frozenset({ANY}), models=frozenset({"shipment", "shipmentline"})),
        )
