"""Load the demo: a tenant and its administrator, who can log in at once.

Safe to run again: creates nothing twice. The printed user is a platform operator with an
active admin membership in the demo tenant, so the admin opens in that tenant.
"""

import json
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from nexus.accounts.models import User
from nexus.core.audit.sealer import seal_chains
from nexus.core.errors import NexusError
from nexus.core.models.refs import ActorRef
from nexus.demo.loaders import load_history
from nexus.demo.loaders.atp import load_atp
from nexus.demo.loaders.cross_docks import load_cross_docks
from nexus.demo.loaders.dropship import load_dropship
from nexus.demo.loaders.landed_costs import load_landed_costs
from nexus.demo.loaders.replenishment import load_replenishment
from nexus.demo.loaders.rmas import load_rmas
from nexus.demo.loaders.sizes import SIZES
from nexus.demo.loaders.transfers import load_transfers
from nexus.tenancy.models import Role, Tenant
from nexus.tenancy.services import add_member, create_tenant

DEMO_ADMIN_EMAIL = "admin@demo.nexus.localhost"
DEMO_TENANT_NAME = "Demo Trading Co"
DEMO_TENANT_SLUG = "demo"
ACTOR = ActorRef.system("manage.py load_demo")


class Command(BaseCommand):
    help = "Create (or reuse) the demo data and print the admin's credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=sorted(SIZES),
            # A test run may ask for the small data set everywhere (settings.NEXUS_DEMO_SIZE).
            default=getattr(settings, "NEXUS_DEMO_SIZE", "full"),
            help="How much supply-chain history to load (default: full, a year; small for a quick look).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        credentials_file = settings.VAR_DIR / "demo-credentials.json"
        stored = json.loads(credentials_file.read_text()) if credentials_file.exists() else {}
        with transaction.atomic():
            admin = User.objects.by_address(DEMO_ADMIN_EMAIL)
            if admin is None:
                password = secrets.token_urlsafe(12)
                admin = User.objects.create_superuser(DEMO_ADMIN_EMAIL, password, full_name="Demo Admin")
                self.stdout.write(f"Created the demo admin {admin.email}.")
            elif stored.get("email") == admin.email and admin.check_password(stored.get("password", "")):
                password = stored["password"]
                self.stdout.write(f"Reusing the demo admin {admin.email}.")
            else:
                # The account exists but its password was never recorded here: set a known one.
                password = secrets.token_urlsafe(12)
                admin.set_password(password)
                admin.save(update_fields=["password"])
                self.stdout.write(f"Reset the password of the existing demo admin {admin.email}.")
            if not admin.is_platform_operator:
                admin.is_platform_operator = True
                admin.save(update_fields=["is_platform_operator"])
            tenant = self.demo_tenant()
            try:
                add_member(email=admin.email, tenant_slug=tenant.slug, role=Role.ADMIN, actor=ACTOR)
            except NexusError as error:  # e.g. the demo tenant was suspended
                messages = [message for field in error.fields.values() for message in field]
                raise CommandError(" ".join(messages) or error.detail) from error
        self.load_supply_chain(tenant, options["size"])
        if load_transfers(tenant, admin):
            self.stdout.write("Added transfer orders: one in transit, one partly received, one to approve.")
        if load_cross_docks(tenant, admin):
            self.stdout.write("Added a cross-dock: a delivery staged for two waiting sales orders.")
        made = load_landed_costs(tenant, admin)
        if made:
            self.stdout.write(f"Created {made} landed costs, one computed and waiting for review.")
        made = load_dropship(tenant, admin)
        if made:
            self.stdout.write(f"Created {made} dropship orders, one in each state.")
        made = load_rmas(tenant, admin)
        if made:
            self.stdout.write(f"Created {made} returns (RMAs) in every state, three waiting for approval.")
        learnt, promised = load_atp(tenant, admin)
        self.stdout.write(f"Learnt {learnt} vendor lead times; made {promised} promises.")
        proposed = load_replenishment(tenant, admin)
        if proposed is not None:
            self.stdout.write(
                f"Proposed replenishment run {proposed[0]} with {proposed[1]} explained suggestions."
            )
        # No beat runs the sealer in the embedded mode until the server starts: seal what the load wrote.
        sealed = seal_chains().total
        if sealed:
            self.stdout.write(f"Sealed {sealed} audit events.")
        refresh_statistics()
        settings.VAR_DIR.mkdir(exist_ok=True)
        credentials_file.write_text(json.dumps({"email": admin.email, "password": password}))
        credentials_file.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                "\nNexus demo is ready.\n"
                "  Admin:    http://127.0.0.1:8000/admin/\n"
                f"  Tenant:   {DEMO_TENANT_NAME} (X-Tenant: {DEMO_TENANT_SLUG})\n"
                "  API docs: http://127.0.0.1:8000/api/docs/\n"
                f"  Email:    {admin.email}\n"
                f"  Password: {password}\n"
            )
        )

    def load_supply_chain(self, tenant: Tenant, size: str) -> None:
        loaded = load_history(tenant, size=size, out=self.stdout)
        if not loaded.created:
            self.stdout.write("The demo's warehouses, products and history are already there.")
            return
        self.stdout.write(
            f"Loaded {loaded.products} products, {loaded.purchase_orders} purchase orders, "
            f"{loaded.sales_orders} sales orders and {loaded.stock_moves} stock moves."
        )

    def demo_tenant(self) -> Tenant:
        tenant = Tenant.objects.filter(slug=DEMO_TENANT_SLUG).first()
        if tenant is not None:
            return tenant
        self.stdout.write(f"Created the demo tenant {DEMO_TENANT_NAME}.")
        return create_tenant(name=DEMO_TENANT_NAME, slug=DEMO_TENANT_SLUG, actor=ACTOR)


def refresh_statistics() -> None:
    """Give PostgreSQL's planner statistics for the rows just loaded.

    The load writes tables in bulk, faster than autovacuum looks at them (and a server may run
    without it): planned on the statistics of empty tables, the first lists read every order's
    lines through the wrong index. ``ANALYZE`` samples each table the role owns; seconds at most.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
