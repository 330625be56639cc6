"""Notification outbox with email and in-app delivery."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "nexus.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Subscribes the delivery listener (the kernel also autodiscovers ``listeners`` modules).
        from . import listeners  # noqa: F401
        from .retention import register_notification_purge_rules

        register_notification_purge_rules()
