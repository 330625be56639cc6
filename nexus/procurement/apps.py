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

        from nexus.core.transitions import declare_writes

        from .models import GoodsReceipt, Requisition, VendorBill
        from .services.bills import fix_total
        from .services.receiving import receive_into_stock
        from .services.requisitions import create_orders

        # What these transitions write, whoever performs them (docs/kernel.md).
        declare_writes(GoodsReceipt, "post", receive_into_stock)
        declare_writes(VendorBill, "approve", fix_total)
        declare_writes(Requisition, "convert", create_orders)
