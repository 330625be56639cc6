"""The outside world, faked: mail servers that refuse every message, or every address."""

import smtplib
from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

REFUSAL = "mail server unavailable (test)"


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected(REFUSAL)


BOUNCE = (550, b"5.1.1 <ap@vendor.example>: no such user")


class BouncingEmailBackend(BaseEmailBackend):
    """A mail server that refuses every recipient address (a bounce at the door)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        refused = {address: BOUNCE for message in email_messages for address in message.recipients()}
        raise smtplib.SMTPRecipientsRefused(refused)
