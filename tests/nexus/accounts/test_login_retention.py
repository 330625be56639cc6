"""Login records are purged after the retention period: old tokens, ended or idle devices, reset links."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from nexus.accounts.models import Device, DeviceKind, LoginToken, PasswordResetToken
from nexus.accounts.password_resets import issue_password_resets
from nexus.accounts.tokens import issue_login_token
from nexus.core.retention import purge_all

pytestmark = pytest.mark.django_db

DAYS = settings.NEXUS_LOGIN_RECORD_RETENTION_DAYS
LONG_AGO = timedelta(days=DAYS + 1)
SESSION_LIFETIME = timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_the_rules_purge_what_is_long_over_and_keep_what_may_still_be_used(ana):
    now = timezone.now()
    live_device = Device.objects.create(user=ana, kind=DeviceKind.TOKEN)
    live = issue_login_token(ana, live_device).token
    old_device = Device.objects.create(
        user=ana, kind=DeviceKind.TOKEN, last_seen_at=now - LONG_AGO - SESSION_LIFETIME
    )
    old = issue_login_token(ana, old_device).token
    LoginToken.objects.filter(pk=old.pk).update(expires_at=now - LONG_AGO)
    ended = Device.objects.create(user=ana, kind=DeviceKind.SESSION, revoked_at=now - LONG_AGO)
    recent_session = Device.objects.create(user=ana, kind=DeviceKind.SESSION, last_seen_at=now - LONG_AGO)
    idle_session = Device.objects.create(
        user=ana, kind=DeviceKind.SESSION, last_seen_at=now - LONG_AGO - SESSION_LIFETIME
    )
    issue_password_resets([ana.pk])
    PasswordResetToken.objects.update(expires_at=now - LONG_AGO)

    counts = purge_all()

    assert counts["accounts.login_tokens"] == 1
    assert counts["accounts.ended_devices"] == 1
    # The old token device lost its last token to the first rule; the idle session outlived any session.
    assert counts["accounts.idle_devices"] == 2
    assert counts["accounts.password_reset_tokens"] == 1
    assert list(LoginToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert set(Device.objects.values_list("pk", flat=True)) == {live_device.pk, recent_session.pk}
    assert not Device.objects.filter(pk__in=[ended.pk, idle_session.pk, old_device.pk]).exists()
