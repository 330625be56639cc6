"""``AuthEvents`` on the accounts and notifications domains."""

from identity_ops.contracts.auth import Person
from identity_ops.contracts.mfa import Client
from nexus.accounts.models import User
from nexus.notifications.services import notify


class DjangoAuthEvents:
    def people(self, user_ids: list[int]) -> dict[int, Person]:
        users = User.objects.filter(pk__in=user_ids).only("pk", "email", "full_name")
        return {user.pk: Person(user.pk, user.email, str(user)) for user in users}

    def security_alert(
        self, user_id: int, summary: str, *, details: str = "", client: Client | None = None, at: str = ""
    ) -> None:
        user = User.objects.filter(pk=user_id).first()
        if user is None:  # the account was deleted since
            return
        context = {"summary": summary, "details": details, "occurred_at": at}
        if client is not None and client.ip_address:
            context["ip_address"] = client.ip_address
        notify(user, "security_alert", context, tenant_id=None)
