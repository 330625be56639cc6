"""Retention of notifications: read in-app notifications go after a period (90 days by default)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet

from nexus.core.retention import register_purge_rule

from .models import Channel, Notification

RETENTION_SETTING = "NOTIFICATIONS_READ_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90


def read_in_app_notifications() -> QuerySet[Notification]:
    return Notification.objects.filter(channel=Channel.IN_APP, read_at__isnull=False)


def register_notification_purge_rules() -> None:
    days = getattr(settings, RETENTION_SETTING, DEFAULT_RETENTION_DAYS)
    register_purge_rule(
        "notifications.read_in_app",
        read_in_app_notifications,
        older_than=timedelta(days=days),
        field="read_at",
    )
