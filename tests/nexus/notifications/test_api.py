"""/api/v1/notifications/: the caller's own in-app notifications, mark read, unread count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nexus.notifications.models import Notification
from nexus.notifications.services import mark_read, notify
from tests.factories.people import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


@pytest.fixture
def api(person) -> APIClient:
    client = APIClient()
    client.force_login(person)
    return client


def iso(moment: dt.datetime | None) -> str:
    """A time as the API writes it."""
    assert moment is not None
    return moment.isoformat().replace("+00:00", "Z")


def delivered(
    person, run_on_commit, count: int = 1, summary: str = "Something happened"
) -> list[Notification]:
    with run_on_commit():
        rows = [
            notify(person, "security_alert", {"summary": f"{summary} {i}"}, channels=["in_app"])[0]
            for i in range(count)
        ]
    return [Notification.objects.get(pk=row.pk) for row in rows]


@pytest.mark.smoke
def test_the_list_shows_the_callers_notifications_newest_first(api, person, other_person, run_on_commit):
    older, newer = delivered(person, run_on_commit, 2)
    delivered(other_person, run_on_commit, 1)
    with run_on_commit():
        notify(person, "security_alert", {"summary": "By email only"}, channels=["email"])

    response = api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0] == {
        "id": newer.pk,
        "template": "security_alert",
        "subject": "Security alert: Something happened 1",
        "body": newer.body,
        "body_html": newer.body_html,
        "tenant": None,
        "created_at": iso(newer.created_at),
        "delivered_at": iso(newer.delivered_at),
        "read_at": None,
        "is_read": False,
    }


def test_the_list_filters_unread_and_read(api, person, run_on_commit):
    first, second, third = delivered(person, run_on_commit, 3)
    mark_read(person, [second.pk])

    unread = api.get(URL, {"unread": "true"}).json()
    read = api.get(URL, {"unread": "false"}).json()

    assert [item["id"] for item in unread["results"]] == [third.pk, first.pk]
    assert [item["id"] for item in read["results"]] == [second.pk]


def test_the_tenant_is_shown_by_slug(api, person, acme, run_on_commit):
    with run_on_commit():
        (row,) = notify(person, "welcome", {}, channels=["in_app"], tenant_id=acme.pk)

    assert api.get(f"{URL}{row.pk}/").json()["tenant"] == "acme"


def test_a_member_naming_a_tenant_still_sees_only_their_own_notifications(api, person, acme, run_on_commit):
    MembershipFactory.create(user=person, tenant=acme)
    (mine,) = delivered(person, run_on_commit)

    response = api.get(URL, HTTP_X_TENANT="acme")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [mine.pk]


def test_someone_elses_notification_is_not_found_and_stays_unread(api, other_person, run_on_commit):
    (theirs,) = delivered(other_person, run_on_commit)

    assert api.get(f"{URL}{theirs.pk}/").status_code == 404
    response = api.post(f"{URL}{theirs.pk}/read/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read_answers_the_notification(api, person, run_on_commit):
    first, second = delivered(person, run_on_commit, 2)

    response = api.post(f"{URL}{first.pk}/read/")

    assert response.status_code == 200
    first.refresh_from_db()
    assert first.read_at is not None
    assert response.json()["read_at"] == iso(first.read_at)
    assert response.json()["is_read"] is True
    second.refresh_from_db()
    assert second.read_at is None
    # Reading it again keeps the first time.
    assert api.post(f"{URL}{first.pk}/read/").json()["read_at"] == response.json()["read_at"]


def test_read_all_and_the_unread_count(api, person, other_person, run_on_commit):
    delivered(person, run_on_commit, 3)
    (theirs,) = delivered(other_person, run_on_commit)

    assert api.get(f"{URL}unread-count/").json() == {"unread_count": 3}
    response = api.post(f"{URL}read-all/")

    assert response.status_code == 200
    assert response.json() == {"marked_read": 3, "unread_count": 0}
    assert api.get(f"{URL}unread-count/").json() == {"unread_count": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_callers_are_refused(person, run_on_commit):
    (row,) = delivered(person, run_on_commit)
    client = APIClient()

    for response in (
        client.get(URL),
        client.get(f"{URL}unread-count/"),
        client.post(f"{URL}{row.pk}/read/"),
        client.post(f"{URL}read-all/"),
    ):
        assert response.status_code in (401, 403)
        assert response.json()["code"] == "not_authenticated"
    row.refresh_from_db()
    assert row.read_at is None


def test_the_list_costs_the_same_number_of_queries_for_any_page_size(
    api, person, acme, run_on_commit, django_assert_max_num_queries
):
    with run_on_commit():
        notify(person, "welcome", {}, channels=["in_app"], tenant_id=acme.pk)
    with CaptureQueriesContext(connection) as one_row:
        assert len(api.get(URL).json()["results"]) == 1

    with run_on_commit():
        for _ in range(24):
            notify(person, "welcome", {}, channels=["in_app"], tenant_id=acme.pk)
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        assert len(api.get(URL, {"page_size": 25}).json()["results"]) == 25


def test_the_endpoints_are_in_the_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    paths = schema["paths"]
    assert set(paths["/api/v1/notifications/"]) == {"get"}
    assert {p["name"] for p in paths["/api/v1/notifications/"]["get"]["parameters"]} >= {
        "unread",
        "template",
        "page",
        "page_size",
        "ordering",
    }
    assert set(paths["/api/v1/notifications/{id}/read/"]) == {"post"}
    assert set(paths["/api/v1/notifications/read-all/"]) == {"post"}
    unread_count = paths["/api/v1/notifications/unread-count/"]["get"]["responses"]["200"]
    assert unread_count["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UnreadCount"
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "{id}/"),
        ("post", "{id}/read/"),
        ("post", "read-all/"),
        ("get", "unread-count/"),
    ],
)
def test_a_service_token_has_no_inbox_and_gets_a_403_saying_so(person, acme, run_on_commit, method, path):
    from nexus.accounts.service_tokens import create_service_token
    from nexus.core import scope

    MembershipFactory.create(user=person, tenant=acme)
    [notification] = delivered(person, run_on_commit)
    with scope.tenant(acme):
        key = create_service_token(
            creator=person, tenant_id=acme.pk, name="Sync", scopes=["inventory.view_product"], expires_at=None
        ).key
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}", HTTP_X_TENANT=acme.slug)

    response = getattr(client, method)(URL + path.format(id=notification.pk), format="json")

    assert response.status_code == 403
    assert response.json() == {
        "code": "person_required",
        "detail": "Only a signed-in person can do this; a service token cannot.",
    }
    assert Notification.objects.get(pk=notification.pk).read_at is None
