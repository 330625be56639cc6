"""Where the demo's emails go, as the README says: the server's console and the admin's notification log."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from identity_ops.workflows.invitations import invite
from nexus.core import scope
from nexus.notifications.models import Notification
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({"email": settings.EMAIL_BACKEND, "eager": settings.CELERY_TASK_ALWAYS_EAGER}))
"""
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def test_with_nothing_set_emails_go_to_the_console_and_are_sent_in_process():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "EMAIL_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "nexus.settings.base"

    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)

    assert json.loads(out.stdout) == {"email": CONSOLE, "eager": True}


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=CONSOLE)
def test_an_invitation_is_printed_and_shown_with_its_link_in_the_notification_log(capsys, run_on_commit):
    demo = TenantFactory.create(slug="demo", name="Demo Trading Co")
    admin = UserFactory.create(email="admin@demo.example", full_name="Demo Admin", is_platform_operator=True)
    MembershipFactory.create(user=admin, tenant=demo, role=Role.ADMIN)

    with scope.tenant(demo), run_on_commit():
        invite(email="newbie@example.com", role=Role.SALES, actor=admin)

    printed = capsys.readouterr().out
    assert "Subject: Demo Admin invites you to join Demo Trading Co on Nexus" in printed
    assert "/accept-invitation/?token=" in printed
    notification = Notification.objects.get(email_address="newbie@example.com")
    operator = Client()
    operator.force_login(admin)
    page = operator.get(f"/admin/notifications/notification/{notification.pk}/change/").content.decode()
    assert "/accept-invitation/?token=" in page
    assert notification.body in printed
