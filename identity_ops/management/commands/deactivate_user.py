"""Close an account: ``manage.py deactivate_user bo@example.com --reason "left the company"``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from identity_ops.wiring import people
from identity_ops.workflows.lifecycle import move_person
from nexus.core.errors import NexusError
from nexus.core.models.refs import ActorRef


class Command(BaseCommand):
    help = (
        "Deactivate an account: every session and token of the person ends at once, and they are "
        "told by email. Its memberships and history stay; a platform operator can reactivate it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--reason", required=True, help="Why (kept in the transition log and audit trail)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        person = people().by_email([options["email"]]).get(options["email"])
        if person is None:
            raise CommandError(f"No account has the address {options['email']!r}.")
        try:
            move_person(
                person.id,
                "deactivate",
                actor=ActorRef.system("manage.py deactivate_user"),
                reason=options["reason"],
            )
        except NexusError as error:
            raise CommandError(error.detail) from error
        self.stdout.write(
            self.style.SUCCESS(f"Deactivated {person.email}; their sessions and tokens have ended.")
        )
