"""The outside world, faked: an email backend whose server refuses every message."""

import smtplib
from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

REFUSAL = "mail server unavailable (test)"


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected(REFUSAL)
