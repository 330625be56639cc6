"""Plain references to actors and objects, kept instead of foreign keys.

History (audit events, transition logs) must outlive what it mentions: deleting an account or
a document never collides with its history, and the label snapshot says what it was called then.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models


class ActorKind(models.TextChoices):
    USER = "user", "User"
    SERVICE_TOKEN = "service_token", "Service token"
    SYSTEM = "system", "System"
    ANONYMOUS = "anonymous", "Anonymous"


@dataclass(frozen=True)
class ActorRef:
    kind: str
    id: str = ""
    label: str = ""

    @classmethod
    def for_user(cls, user: Any) -> "ActorRef":
        """The actor for a user instance (anonymous when not authenticated)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return ANONYMOUS
        return cls(ActorKind.USER, str(user.pk), str(user)[:255])

    @classmethod
    def system(cls, label: str) -> "ActorRef":
        return cls(ActorKind.SYSTEM, "", label[:255])


ANONYMOUS = ActorRef(ActorKind.ANONYMOUS)


@dataclass(frozen=True)
class ObjectRef:
    type: str  # "app_label.model"
    id: str
    label: str = ""

    @classmethod
    def for_instance(cls, instance: models.Model) -> "ObjectRef":
        return cls(instance._meta.label_lower, str(instance.pk), str(instance)[:255])


class ActorFields(models.Model):
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def actor(self) -> ActorRef:
        return ActorRef(self.actor_kind, self.actor_id, self.actor_label)
