"""Get the load run's database ready: migrated, the demo loaded, and one account per load client.

Runs as a Django script on the ``DATABASE_URL`` of the environment (the run's own database).
The demo is loaded once (``load_demo`` creates nothing twice); the clients are operations
managers of the demo tenant with a password written, with the ids the workload picks from
(products, free stock, open sales order lines), to the accounts file the locust file reads.
"""

import json
import os
import secrets
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))


def main(target: Path, clients: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import F

    from nexus.accounts.models import User
    from nexus.core import scope
    from nexus.core.models.refs import ActorRef
    from nexus.inventory.models import Product, StockAvailability
    from nexus.sales.models import SalesOrderLine
    from nexus.tenancy.models import Membership, Role, Tenant
    from nexus.tenancy.services import add_member

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    tenant = Tenant.objects.get(slug="demo")
    actor = ActorRef.system("bench/load/prepare.py")
    accounts = []
    for number in range(clients):
        email = f"load-{number}@demo.nexus.localhost"
        password = secrets.token_urlsafe(12)
        user = User.objects.by_address(email) or User.objects.create_user(
            email, password, full_name=f"Load {number}"
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if not Membership.objects.filter(user=user, tenant=tenant).exists():
            add_member(email=email, tenant_slug="demo", role=Role.MANAGER, actor=actor)
        accounts.append({"email": email, "password": password})
    with scope.tenant(tenant):
        products = list(Product.objects.order_by("id").values_list("id", flat=True)[:500])
        free = [
            {"product": row.product_id, "warehouse": row.warehouse_id}
            for row in StockAvailability.objects.annotate(free=F("on_hand_sellable") - F("reserved"))
            .filter(free__gte=20)
            .order_by("id")[:200]
        ]
        lines = list(
            SalesOrderLine.objects.filter(order__status="confirmed")
            .order_by("id")
            .values_list("id", flat=True)[:200]
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({"accounts": accounts, "products": products, "free_stock": free, "open_lines": lines})
    )
    target.chmod(0o600)
    print(
        f"{clients} accounts, {len(products)} products, {len(free)} free stock rows, {len(lines)} open lines"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
