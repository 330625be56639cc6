"""The identity flows' notifier on ``nexus.notifications`` (rows and an outbox event, after commit)."""

from collections.abc import Sequence

from identity_ops.contracts.notifications import Message
from nexus.accounts.models import User
from nexus.notifications.services import notify


class DjangoNotifier:
    def send(self, messages: Sequence[Message]) -> list[int]:
        recipients = User.objects.in_bulk(sorted({message.recipient_id for message in messages}))
        ids: list[int] = []
        for message in messages:
            rows = notify(
                recipients[message.recipient_id],
                message.template,
                message.context,
                channels=message.channels,
                tenant_id=message.tenant_id,
            )
            ids.extend(row.pk for row in rows)
        return ids
