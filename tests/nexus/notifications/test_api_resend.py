"""POST /api/v1/notifications/{id}/resend/: the admin's re-send of a failed notification, over the API."""

import pytest
from django.core import mail
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models import AuditEvent
from nexus.notifications.models import NotificationStatus

from .test_admin import failed_email, in_app

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/{}/resend/"


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_operator_resends_a_failed_notification_and_it_is_audited(operator, person, run_on_commit):
    failed = failed_email(person, run_on_commit)

    with run_on_commit():
        response = as_user(operator).post(URL.format(failed.pk))

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": failed.pk,
        "channel": "email",
        "template": "security_alert",
        "status": "pending",
        "attempts": 1,
    }
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.SENT, 2)
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    with scope.system_context("test: read"):
        (event,) = AuditEvent.objects.filter(action="notifications.resent")
    assert (event.actor_id, event.object_id) == (str(operator.pk), str(failed.pk))


def test_only_a_failed_notification_is_resent_and_only_by_an_operator(operator, person, run_on_commit):
    failed = failed_email(person, run_on_commit)
    delivered = in_app(person, run_on_commit, "Fine")

    refused = as_user(person).post(URL.format(failed.pk))  # even the recipient: not in the admin either
    conflict = as_user(operator).post(URL.format(delivered.pk))
    missing = as_user(operator).post(URL.format(failed.pk + 1000))

    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "conflict")
    assert missing.status_code == 404
    failed.refresh_from_db()
    delivered.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.FAILED, 1)
    assert (delivered.status, delivered.attempts) == (NotificationStatus.DELIVERED, 1)
    assert mail.outbox == []


def test_the_resend_endpoint_is_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    resend = schema["paths"]["/api/v1/notifications/{id}/resend/"]["post"]
    assert {"200", "403", "404", "409"} <= set(resend["responses"])
