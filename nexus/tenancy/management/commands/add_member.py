"""Give a person a role in a tenant: ``manage.py add_member ana@example.com acme admin``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core.errors import NexusError
from nexus.core.models.refs import ActorRef
from nexus.tenancy.models import Role
from nexus.tenancy.services import add_member

from ._errors import describe


class Command(BaseCommand):
    help = (
        "Give a person an active membership with a role in a tenant, creating the account if it "
        "does not exist (with --password, or a generated one-time password printed once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("tenant", help="The tenant's slug.")
        parser.add_argument("role", help=f"One of: {', '.join(Role.values)}.")
        parser.add_argument("--password", help="Password for a new account (ignored for an existing one).")
        parser.add_argument("--full-name", default="", help="Full name for a new account.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            added = add_member(
                email=options["email"],
                tenant_slug=options["tenant"],
                role=options["role"],
                password=options["password"],
                full_name=options["full_name"],
                actor=ActorRef.system("manage.py add_member"),
            )
        except NexusError as error:
            raise CommandError(describe(error)) from error
        membership = added.membership
        user, tenant = membership.user, membership.tenant
        if added.created_user:
            self.stdout.write(f"Created the account {user.email}.")
            if added.generated_password:
                self.stdout.write(
                    f"One-time password (shown only now; ask them to change it): {added.generated_password}"
                )
        elif options["password"]:
            self.stderr.write(f"{user.email} already exists; its password was not changed.")
        role = membership.get_role_display()
        if added.previous_role:
            previous = Role(added.previous_role).label
            self.stdout.write(
                self.style.SUCCESS(f"{user.email} is now {role} in {tenant.name} (was {previous}).")
            )
        elif added.created_membership:
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now {role} in {tenant.name}."))
        else:
            self.stdout.write(f"{user.email} is already {role} in {tenant.name}; nothing changed.")
