"""Invite a person into a tenant: ``manage.py invite_user bo@example.com acme sales --by ana@example.com``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from identity_ops.wiring import people, tenants, user_model
from identity_ops.workflows.invitations import invite
from nexus.core import scope
from nexus.core.errors import NexusError


class Command(BaseCommand):
    help = (
        "Invite a person by email into a tenant with a role, on behalf of an administrator of the "
        "tenant or a platform operator (--by). The invitation email leaves at once; the link "
        "works for the tenant's invitation period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("tenant", help="The tenant's slug.")
        parser.add_argument("role", help=f"One of: {', '.join(r.value for r in tenants().roles())}.")
        parser.add_argument(
            "--by", required=True, help="Email of the inviting administrator or platform operator."
        )
        parser.add_argument("--full-name", default="", help="The invited person's name, for the email.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = tenants().by_slug([options["tenant"]]).get(options["tenant"])
        if tenant is None:
            raise CommandError(f"No tenant has the slug {options['tenant']!r}.")
        inviter = people().by_email([options["by"]]).get(options["by"])
        if inviter is None:
            raise CommandError(f"No account has the address {options['by']!r}.")
        actor = user_model()._default_manager.get(pk=inviter.id)
        try:
            with scope.tenant(tenant.id):
                invitation = invite(
                    email=options["email"], role=options["role"], actor=actor, full_name=options["full_name"]
                )
        except NexusError as error:
            raise CommandError(_describe(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Invited {invitation.email} into {tenant.name} as {invitation.role}; "
                f"the link works until {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
            )
        )


def _describe(error: NexusError) -> str:
    if not error.fields:
        return error.detail
    return " ".join(f"{name}: {' '.join(messages)}" for name, messages in error.fields.items())
