"""Read in-app notifications are purged after the retention period; nothing else is."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nexus.core import scope
from nexus.core.retention import purge, purge_all, purge_rules
from nexus.notifications.models import Notification
from nexus.notifications.retention import DEFAULT_RETENTION_DAYS
from nexus.notifications.services import notify

pytestmark = pytest.mark.django_db


def rule():
    (found,) = [r for r in purge_rules() if r.name == "notifications.read_in_app"]
    return found


def test_only_read_in_app_notifications_older_than_the_period_are_purged(person, run_on_commit):
    long_ago = timezone.now() - timedelta(days=DEFAULT_RETENTION_DAYS + 1)
    recently = timezone.now() - timedelta(days=DEFAULT_RETENTION_DAYS - 1)
    with run_on_commit():
        old_read, recent_read, old_unread = (
            notify(person, "welcome", {}, channels=["in_app"])[0] for _ in range(3)
        )
        (old_email,) = notify(person, "welcome", {}, channels=["email"])
    Notification.objects.filter(pk__in=[old_read.pk, old_unread.pk, old_email.pk]).update(created_at=long_ago)
    Notification.objects.filter(pk=old_read.pk).update(read_at=long_ago)
    Notification.objects.filter(pk=recent_read.pk).update(read_at=recently)

    assert purge_all(dry_run=True)["notifications.read_in_app"] == 1
    with scope.system_context("tests: purge"):
        progress = list(purge(rule()))

    assert (progress[-1].deleted, progress[-1].total) == (1, 1)
    assert set(Notification.objects.values_list("pk", flat=True)) == {
        recent_read.pk,
        old_unread.pk,
        old_email.pk,
    }


def test_the_default_period_is_ninety_days():
    assert rule().period() == timedelta(days=90)
