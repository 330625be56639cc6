from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "nexus.procurement"
    label = "procurement"
    verbose_name = "Procurement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.tenancy.models import Role
        from nexus.tenancy.roles import ANY, Grant, extend_role

        # Warehouse clerks receive the goods; accountants enter, approve and pay bills.
        extend_role(
            Role.WAREHOUSE_CLERK,
            Grant("procurement", frozenset({ANY}), models=frozenset({"goodsreceipt", "goodsreceiptline"})),
        )
        extend_role(
            Role.ACCOUNTANT,
            Grant(
                "procurement",
                frozenset({ANY}),
                models=frozenset({"vendorbill", "vendorbillline", "vendorbilllinereceipt"}),
            ),
        )
