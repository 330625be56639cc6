"""Erase a person from the history: ``manage.py erase_person bo@example.com``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from identity_ops.wiring import people
from identity_ops.workflows.erasure import erase_history_of
from nexus.core.models.refs import ActorRef


class Command(BaseCommand):
    help = (
        "Erase a person's address and name from the audit trail (personal data, and the labels of "
        "events hashed under version 2), the transition log and the outbox. The account stays; "
        "deactivate or delete it separately. Labels of events sealed under version 1 stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        person = people().by_email([email]).get(email)
        if person is None:
            raise CommandError(f"No account has the address {options['email']!r}.")
        changed = erase_history_of(person, erased_by=ActorRef.system("manage.py erase_person"))
        self.stdout.write(self.style.SUCCESS(f"Erased person {person.id} from {changed} audit event(s)."))
