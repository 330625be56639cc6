"""Token families (refresh, replay), logins, password change, step-up and service tokens over the API."""

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory

from nexus.accounts.models import Device, LoginToken, ServiceToken
from nexus.accounts.token_scopes import SCOPES_BY_KEY
from nexus.core import scope
from nexus.core.api.base import NexusAPIView
from nexus.core.models import OutboxEvent
from nexus.core.stepup import RequiresRecentMfa
from nexus.notifications.models import Notification
from nexus.tenancy.models import Membership, Role
from tests.factories.people import TEST_PASSWORD, MembershipFactory, TenantFactory, UserFactory

from .conftest import bearer, current_code, enrol, time_passes

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
REFRESH = "/api/v1/auth/refresh/"
SESSIONS = "/api/v1/auth/sessions/"
STEP_UP = "/api/v1/auth/step-up/"
TOKENS = "/api/v1/auth/tokens/"
ACME: dict[str, Any] = {"HTTP_X_TENANT": "acme"}


def events(name: str) -> list[dict]:
    with scope.system_context("test: read the global outbox"):
        return [e.payload for e in OutboxEvent.objects.filter(name=name).order_by("pk")]


def token_for(client: APIClient, email: str = "ana@example.com", *, secret: str | None = None) -> str:
    body = client.post(LOGIN, {"email": email, "password": TEST_PASSWORD}, format="json").json()
    if body["status"] == "mfa_required":
        assert secret is not None
        body = client.post(
            "/api/v1/auth/mfa/verify/",
            {"challenge_id": body["challenge_id"], "code": current_code(secret)},
            format="json",
        ).json()
    return str(body["token"])


def test_refresh_rotates_and_the_old_token_stops_at_once(client_api, ana):
    first = token_for(client_api)
    refreshed = client_api.post(REFRESH, **bearer(first))

    assert refreshed.status_code == 200
    second = refreshed.json()["token"]
    assert second != first
    assert client_api.get(SESSIONS, **bearer(second)).status_code == 200
    old, new = LoginToken.objects.filter(user=ana).order_by("pk")
    assert old.replaced_at is not None
    assert new.device_id == old.device_id
    [rotated] = events("accounts.token_rotated")
    assert (rotated["previous_token_id"], rotated["token_id"], rotated["family_id"]) == (
        old.pk,
        new.pk,
        old.device_id,
    )


def test_presenting_a_rotated_token_ends_the_whole_family_and_warns_the_person(
    client_api, ana, run_on_commit
):
    first = token_for(client_api)
    second = client_api.post(REFRESH, **bearer(first)).json()["token"]

    with run_on_commit():
        replayed = client_api.get(SESSIONS, **bearer(first))
    assert replayed.status_code == 401
    assert "already replaced" in replayed.json()["detail"]
    assert client_api.get(SESSIONS, **bearer(second)).status_code == 401
    device = Device.objects.get(user=ana)
    assert (device.revoked_reason, device.revoked_at is not None) == ("token_replayed", True)
    [replay] = events("accounts.token_replayed")
    assert (replay["user_id"], replay["family_id"]) == (ana.pk, device.pk)
    alerts = Notification.objects.filter(recipient=ana, template="security_alert")
    assert {n.context["summary"] for n in alerts} == {"A used sign-in token was presented again"}
    # Presenting it again reports nothing new.
    with run_on_commit():
        client_api.post(REFRESH, **bearer(first))
    assert len(events("accounts.token_replayed")) == 1


def test_sessions_list_and_revoke_one_and_all_others(client_api, ana):
    tokens = [token_for(client_api) for _ in range(3)]
    listed = client_api.get(SESSIONS, **bearer(tokens[0])).json()
    assert len(listed) == 3
    assert [row["current"] for row in listed].count(True) == 1

    other = next(row["id"] for row in listed if not row["current"])
    assert client_api.post(f"{SESSIONS}{other}/revoke/", **bearer(tokens[0])).status_code == 204
    ended = client_api.post(f"{SESSIONS}revoke-others/", **bearer(tokens[0]))
    assert ended.json() == {"ended_logins": 1}
    assert [client_api.get(SESSIONS, **bearer(t)).status_code for t in tokens] == [200, 401, 401]


def test_another_persons_login_cannot_be_revoked_as_ones_own(client_api, ana, acme):
    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=acme, role=Role.VIEWER)
    bos = token_for(client_api, "bo@example.com")
    mine = token_for(client_api)
    device = LoginToken.objects.get(user=bo).device_id
    assert client_api.post(f"{SESSIONS}{device}/revoke/", **bearer(mine)).status_code == 404
    assert client_api.get(SESSIONS, **bearer(bos)).status_code == 200


def test_a_password_change_ends_every_other_login_and_keeps_this_one(client_api, ana, run_on_commit):
    keep, other = token_for(client_api), token_for(client_api)
    wrong = client_api.post(
        "/api/v1/auth/password/",
        {"current_password": "nope", "new_password": "x"},
        format="json",
        **bearer(keep),
    )
    assert wrong.status_code == 400
    assert set(wrong.json()["fields"]) == {"current_password"}

    with run_on_commit():
        changed = client_api.post(
            "/api/v1/auth/password/",
            {"current_password": TEST_PASSWORD, "new_password": "a-brand-new-passphrase-9"},
            format="json",
            **bearer(keep),
        )
    assert changed.json() == {"ended_logins": 1}
    assert client_api.get(SESSIONS, **bearer(keep)).status_code == 200
    assert client_api.get(SESSIONS, **bearer(other)).status_code == 401
    ana.refresh_from_db()
    assert ana.check_password("a-brand-new-passphrase-9")
    assert Notification.objects.filter(recipient=ana, context__summary="Your password was changed").exists()


def test_creating_a_service_token_needs_a_recent_step_up(client_api, ana):
    secret = enrol(ana)
    key = token_for(client_api, secret=secret)
    device = LoginToken.objects.get(user=ana, replaced_at__isnull=True).device
    Device.objects.filter(pk=device.pk).update(mfa_verified_at=timezone.now() - dt.timedelta(minutes=11))
    body = {"name": "Warehouse sync", "scopes": ["inventory.view_product"]}

    stale = client_api.post(TOKENS, body, format="json", **bearer(key), **ACME)
    assert stale.status_code == 403
    assert stale.json()["code"] == "mfa_required"
    assert not ServiceToken.objects.exists()

    time_passes(ana)
    wrong = client_api.post(STEP_UP, {"code": "000000"}, format="json", **bearer(key))
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_code"
    stepped = client_api.post(STEP_UP, {"code": current_code(secret)}, format="json", **bearer(key))
    assert stepped.status_code == 200
    created = client_api.post(TOKENS, body, format="json", **bearer(key), **ACME)
    assert created.status_code == 201
    assert created.json()["token"].startswith("svc_")
    assert ServiceToken.objects.get().scopes == ["inventory.view_product"]
    [published] = events("accounts.service_token_created")
    assert (published["created_by"], published["name"]) == (ana.pk, "Warehouse sync")


def test_the_step_up_window_follows_the_tenant_policy(client_api, ana, acme):
    acme.policies = {"step_up_minutes": 2}
    acme.save()
    secret = enrol(ana)
    key = token_for(client_api, secret=secret)
    device = LoginToken.objects.get(user=ana).device
    Device.objects.filter(pk=device.pk).update(mfa_verified_at=timezone.now() - dt.timedelta(minutes=3))
    body = {"name": "Sync", "scopes": ["inventory.view_product"]}
    assert (
        client_api.post(TOKENS, body, format="json", **bearer(key), **ACME).json()["code"] == "mfa_required"
    )
    Device.objects.filter(pk=device.pk).update(mfa_verified_at=timezone.now() - dt.timedelta(minutes=1))
    assert client_api.post(TOKENS, body, format="json", **bearer(key), **ACME).status_code == 201


def test_service_token_scopes_must_lie_within_the_creators_role(client_api, ana):
    secret = enrol(ana)
    key = token_for(client_api, secret=secret)
    refused = client_api.post(
        TOKENS,
        {"name": "Too much", "scopes": ["tenancy.change_tenant"]},
        format="json",
        **bearer(key),
        **ACME,
    )
    assert refused.status_code == 400
    assert refused.json()["fields"]["scopes"] == [
        "'tenancy.change_tenant' is not a permission your role grants in this tenant."
    ]
    assert not ServiceToken.objects.exists()


def test_a_service_token_is_created_from_named_scopes_over_the_api(client_api, ana):
    secret = enrol(ana)
    key = token_for(client_api, secret=secret)

    created = client_api.post(
        TOKENS, {"name": "Stock feed", "scopes": ["stock:read"]}, format="json", **bearer(key), **ACME
    )

    assert created.status_code == 201
    assert created.json()["scopes"] == sorted(SCOPES_BY_KEY["stock:read"].permissions)
    assert "inventory.view_stockmove" in created.json()["scopes"]


@pytest.fixture
def service_key(ana, acme) -> str:
    from nexus.accounts.service_tokens import create_service_token

    with scope.tenant(acme):
        created = create_service_token(
            creator=ana, tenant_id=acme.pk, name="Sync", scopes=["inventory.view_product"], expires_at=None
        )
    return created.key


def test_a_service_token_works_in_its_tenant_with_its_scopes_only(service_key, acme):
    client = APIClient()
    globex = TenantFactory.create(slug="globex")

    assert client.get("/api/v1/products/", **bearer(service_key)).status_code == 200
    assert client.get("/api/v1/products/", **bearer(service_key), **ACME).status_code == 200
    assert client.get("/api/v1/warehouses/", **bearer(service_key)).status_code == 403
    other = client.get("/api/v1/products/", **bearer(service_key), HTTP_X_TENANT=globex.slug)
    assert other.status_code == 403
    assert other.json()["code"] == "tenant_forbidden"
    assert ServiceToken.objects.get().last_used_at is not None


def test_a_service_token_never_satisfies_step_up(service_key):
    class Guarded(NexusAPIView):
        permission_classes = [IsAuthenticated, RequiresRecentMfa]

        def post(self, request):
            return Response({"done": True})

    request = APIRequestFactory().post("/guarded/", {}, format="json", **bearer(service_key))
    response = Guarded.as_view()(request)
    response.render()
    assert response.status_code == 403
    assert response.data["code"] == "mfa_required"
    # Nor can it prove a code: it has no person.
    assert (
        APIClient().post(STEP_UP, {"code": "123456"}, format="json", **bearer(service_key)).status_code == 403
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/auth/logout/"),
        ("get", "/api/v1/me/"),
        ("get", SESSIONS),
        ("post", "/api/v1/auth/mfa/totp/"),
        ("get", "/api/v1/auth/mfa/"),
    ],
)
def test_where_a_person_is_required_a_service_token_gets_a_403_saying_so(service_key, method, path):
    response = getattr(APIClient(), method)(path, {}, format="json", **bearer(service_key), **ACME)

    assert response.status_code == 403
    assert response.json() == {
        "code": "person_required",
        "detail": "Only a signed-in person can do this; a service token cannot.",
    }
    assert ServiceToken.objects.get().revoked_at is None
    assert APIClient().get("/api/v1/products/", **bearer(service_key)).status_code == 200


def test_a_revoked_service_token_stops_working(client_api, service_key, ana):
    admin_key = token_for(client_api)
    token = ServiceToken.objects.get()
    assert client_api.post(f"{TOKENS}{token.pk}/revoke/", **bearer(admin_key), **ACME).status_code == 204
    assert APIClient().get("/api/v1/products/", **bearer(service_key)).status_code == 401


@override_settings(NEXUS_MFA_GRACE_DAYS=7)
def test_past_the_grace_period_a_staff_member_without_mfa_may_only_enrol(client_api, ana):
    Membership.objects.filter(user=ana).update(created_at=timezone.now() - dt.timedelta(days=8))
    body = client_api.post(
        LOGIN, {"email": "ana@example.com", "password": TEST_PASSWORD}, format="json"
    ).json()
    assert body["status"] == "mfa_enrolment_required"
    key = body["token"]

    blocked = client_api.get(SESSIONS, **bearer(key))
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "mfa_enrolment_required"
    started = client_api.post("/api/v1/auth/mfa/totp/", {}, format="json", **bearer(key))
    assert started.status_code == 201
    enrolment = started.json()
    assert enrolment["qr_svg"].startswith("<svg")
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/")
    confirmed = client_api.post(
        f"/api/v1/auth/mfa/totp/{enrolment['enrolment_id']}/confirm/",
        {"code": current_code(enrolment["secret"])},
        format="json",
        **bearer(key),
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    assert len(confirmed.json()["recovery_codes"]) == 10
    assert client_api.get(SESSIONS, **bearer(key)).status_code == 200


def test_within_the_grace_period_the_login_is_full_and_says_by_when(client_api, ana):
    body = client_api.post(
        LOGIN, {"email": "ana@example.com", "password": TEST_PASSWORD}, format="json"
    ).json()
    assert body["status"] == "authenticated"
    assert "mfa_enrol_by" in body


def test_a_tenant_admin_sees_and_clears_lockouts_of_members_only(client_api, ana, acme):
    from nexus.accounts import lockout
    from nexus.accounts.client import ClientInfo
    from nexus.accounts.models import LoginThrottle

    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=acme, role=Role.VIEWER)
    stranger = UserFactory.create(email="zed@example.com")
    now = timezone.now()
    for person in (bo, stranger):
        LoginThrottle.objects.create(
            username=person.email,
            ip_address="198.51.100.1",
            user=person,
            attempts=5,
            failures=5,
            lockouts=1,
            locked_until=now + dt.timedelta(minutes=5),
            last_attempt_at=now,
        )
    key = token_for(client_api)
    page = client_api.get("/api/v1/auth/lockouts/", **bearer(key), **ACME).json()
    # Paginated like every other list.
    assert (page["count"], page["next"], page["previous"]) == (1, None, None)
    listed = page["results"]
    assert [row["username"] for row in listed] == ["bo@example.com"]
    foreign = LoginThrottle.objects.get(user=stranger)
    assert (
        client_api.post(f"/api/v1/auth/lockouts/{foreign.pk}/clear/", **bearer(key), **ACME).status_code
        == 404
    )
    assert (
        client_api.post(f"/api/v1/auth/lockouts/{listed[0]['id']}/clear/", **bearer(key), **ACME).status_code
        == 204
    )
    assert lockout.reserve_attempt("bo@example.com", ClientInfo("198.51.100.1")).allowed


def test_list_endpoints_use_a_constant_number_of_queries(
    client_api, ana, acme, django_assert_max_num_queries
):
    from nexus.accounts.service_tokens import create_service_token

    key = token_for(client_api)
    for _ in range(2):
        token_for(client_api)
    with scope.tenant(acme):
        for n in range(3):
            create_service_token(
                creator=ana,
                tenant_id=acme.pk,
                name=f"S{n}",
                scopes=["inventory.view_product"],
                expires_at=None,
            )
    with django_assert_max_num_queries(8):
        assert len(client_api.get(SESSIONS, **bearer(key)).json()) == 3
    with django_assert_max_num_queries(8):
        assert len(client_api.get(TOKENS, **bearer(key), **ACME).json()) == 3
    with django_assert_max_num_queries(8):
        client_api.get("/api/v1/auth/lockouts/", **bearer(key), **ACME)


def test_wrong_step_up_codes_are_limited(client_api, ana):
    secret = enrol(ana)
    key = token_for(client_api, secret=secret)
    answers = [
        client_api.post(STEP_UP, {"code": "000000"}, format="json", **bearer(key)).status_code
        for _ in range(6)
    ]
    assert answers == [400, 400, 400, 400, 400, 429]
    time_passes(ana)
    assert (
        client_api.post(STEP_UP, {"code": current_code(secret)}, format="json", **bearer(key)).status_code
        == 429
    )


@override_settings(NEXUS_LOGIN_TOKEN_LIMIT_PER_USER=2)
def test_beyond_the_per_person_limit_the_least_recent_login_ends(client_api, ana):
    first, second, third = (token_for(client_api) for _ in range(3))
    assert client_api.get(SESSIONS, **bearer(first)).status_code == 401
    assert [client_api.get(SESSIONS, **bearer(t)).status_code for t in (second, third)] == [200, 200]
    ended = Device.objects.get(user=ana, revoked_at__isnull=False)
    assert ended.revoked_reason == "login_limit"


def test_an_expired_token_is_refused_and_cannot_be_refreshed(client_api, ana):
    key = token_for(client_api)
    LoginToken.objects.filter(user=ana).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client_api.get(SESSIONS, **bearer(key)).status_code == 401
    assert client_api.post(REFRESH, **bearer(key)).status_code == 401


def test_a_tenant_policy_shortens_the_token_lifetime(client_api, ana, acme):
    acme.policies = {"session_lifetime_minutes": 30}
    acme.save()
    before = timezone.now()
    token_for(client_api)
    token = LoginToken.objects.get(user=ana)
    assert before + dt.timedelta(minutes=29) < token.expires_at <= timezone.now() + dt.timedelta(minutes=30)


def test_service_token_use_is_recorded_at_most_once_a_minute(service_key):
    from nexus.accounts import service_tokens

    token = ServiceToken.objects.get()
    first = timezone.now()
    service_tokens.touch(token, now=first)
    token.refresh_from_db()
    assert token.last_used_at == first
    service_tokens.touch(token, now=first + dt.timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == first
    later = first + dt.timedelta(seconds=61)
    service_tokens.touch(token, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later
