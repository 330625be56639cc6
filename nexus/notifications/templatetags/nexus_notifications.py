"""Template tags for the admin header: the person's unread in-app notifications."""

from typing import Any

from django import template

from nexus.accounts.models import User
from nexus.notifications.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context: dict[str, Any]) -> int:
    """Unread in-app notifications of the logged-in person (0 for anyone else)."""
    user = getattr(context.get("request"), "user", None)
    if not isinstance(user, User):
        return 0
    return unread_count(user)
