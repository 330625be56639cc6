"""What the API shows of a notification: the rendered message and whether it was read."""

from typing import Any

from rest_framework import serializers

from nexus.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    tenant: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of the tenant this notification is about; null when it is about none.",
    )
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "template",
            "subject",
            "body",
            "body_html",
            "tenant",
            "created_at",
            "delivered_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def get_is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class UnreadCountSerializer(serializers.Serializer[dict[str, int]]):
    unread_count = serializers.IntegerField(help_text="Unread in-app notifications of the caller.")


class MarkedReadSerializer(serializers.Serializer[dict[str, int]]):
    marked_read = serializers.IntegerField(help_text="How many notifications this request marked read.")
    unread_count = serializers.IntegerField(help_text="Unread in-app notifications left.")


class ResentSerializer(serializers.ModelSerializer[Notification]):
    """A notification handed back to delivery: pending again, delivered after commit."""

    class Meta:
        model = Notification
        fields = ["id", "channel", "template", "status", "attempts"]
        read_only_fields = fields
