"""The notification outbox: one row per recipient and channel, delivered after commit.

A recipient is a person (a user) or a *contact*: a customer's or vendor's address, with a
display name, known to one tenant only and reached by email only. Both go through the same
rows, delivery, retries and admin.

Notifications are *global* models (docs/kernel.md, "Tenancy"): they belong to a person, not to
a tenant, so there is no row-level security and every query filters by recipient. ``tenant``
only says which tenant a notification is about, when it is about one (always, for a contact).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    IN_APP = "in_app", "In-app"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"  # an email handed to the email backend
    DELIVERED = "delivered", "Delivered"  # an in-app notification visible to its recipient
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"  # the mail server refused the address itself


class Notification(models.Model):
    """A message to one person or contact on one channel, with the rendered text it was sent with.

    ``recipient`` is the user, or empty for a contact, who is ``recipient_name`` at
    ``email_address``. ``context`` is what the template is rendered with: plain JSON, never a
    secret (``notify`` refuses keys that name a password or secret). ``subject``/``body``/
    ``body_html`` are the rendered snapshot, filled on delivery.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        help_text="The user it is for; empty for a contact (a customer or vendor): see the name and address.",
    )
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text="For a contact: the name the email is addressed to."
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    tenant = models.ForeignKey(
        "tenancy.Tenant",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The tenant this notification is about, if any.",
    )
    email_address = models.EmailField(
        max_length=254,
        blank=True,
        help_text="For email: the recipient's address when the notification was requested.",
    )
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email was sent or the in-app notification shown."
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A contact is reached by email only, at an address, about one tenant.
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False)
                | (models.Q(channel="email", tenant__isnull=False) & ~models.Q(email_address="")),
                name="notif_user_or_contact_email",
            ),
        ]
        indexes = [
            # The recipient's in-app inbox, newest first, and its unread count.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(channel="in_app", status="delivered"),
                name="notif_inbox_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(channel="in_app", status="delivered", read_at__isnull=True),
                name="notif_unread_idx",
            ),
            models.Index(fields=["status", "channel"], name="notif_status_idx"),
            models.Index(
                fields=["read_at"], condition=models.Q(read_at__isnull=False), name="notif_read_idx"
            ),
        ]

    def __str__(self) -> str:
        to = self.recipient_id if self.recipient_id is not None else self.email_address
        return f"{self.template} → {to} ({self.channel}, {self.status})"
