"""Devices for every login, token authentication, and ending logins (everywhere or in one tenant)."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from rest_framework.test import APIClient

from nexus.accounts.devices import CHECKED_SESSION_KEY
from nexus.accounts.models import Device, DeviceKind, LoginToken, UserStatus
from nexus.accounts.revocation import revoke_access
from nexus.accounts.session_activity import CHECK_INTERVAL
from nexus.accounts.tokens import issue_login_token
from nexus.core import scope
from nexus.core.models import AuditEvent, OutboxEvent
from nexus.core.models.refs import ActorRef
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
SYSTEM = ActorRef.system("test")


def token_client(user, *, ttl=None) -> tuple[APIClient, LoginToken]:
    device = Device.objects.create(user=user, kind=DeviceKind.TOKEN, ip_address="198.51.100.7")
    issued = issue_login_token(user, device, ttl=ttl)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    return client, issued.token


def browser_session(user, tenant) -> Device:
    store = SessionStore()
    store[SELECTED_TENANT_SESSION_KEY] = tenant.pk if tenant else None
    store.create()
    assert store.session_key is not None
    return Device.objects.create(user=user, kind=DeviceKind.SESSION, session_key=store.session_key)


def test_a_token_is_stored_only_as_a_digest_and_authenticates_its_person(ana):
    device = Device.objects.create(user=ana, kind=DeviceKind.TOKEN)
    issued = issue_login_token(ana, device)

    token = LoginToken.objects.get()
    assert issued.key not in (token.digest, token.key_prefix)
    assert len(token.digest) == 64
    assert issued.key.startswith(token.key_prefix)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    response = client.get(ME)
    assert (response.status_code, response.json()["email"]) == (200, "ana@example.com")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: LoginToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now()),
        lambda token: LoginToken.objects.filter(pk=token.pk).update(expires_at=timezone.now()),
        lambda token: Device.objects.filter(pk=token.device_id).update(revoked_at=timezone.now()),
        lambda token: type(token.user).objects.filter(pk=token.user_id).update(status=UserStatus.SUSPENDED),
        lambda token: type(token.user).objects.filter(pk=token.user_id).update(status=UserStatus.DEACTIVATED),
    ],
    ids=["revoked", "expired", "device ended", "suspended", "deactivated"],
)
def test_a_token_stops_working_the_moment_it_or_its_person_is_no_longer_good(ana, spoil):
    client, token = token_client(ana)
    assert client.get(ME).status_code == 200

    spoil(token)

    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_or_malformed_token_is_a_401(db):
    for header in ("Token not-a-token", "Token", "Token a b"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get(ME).status_code == 401


def test_a_session_login_records_a_session_device_and_logout_ends_it(client, ana):
    client.force_login(ana)

    device = Device.objects.get(user=ana)
    assert device.kind == DeviceKind.SESSION
    assert device.session_key == client.session.session_key
    assert device.revoked_at is None

    client.logout()

    device.refresh_from_db()
    assert (device.revoked_reason, device.revoked_at is not None) == ("logged_out", True)


def test_ending_everything_revokes_every_token_and_session_of_the_person_only(ana):
    acme = TenantFactory.create()
    other = UserFactory.create()
    _client, token = token_client(ana)
    sessions = [browser_session(ana, acme), browser_session(ana, None)]
    _other_client, others_token = token_client(other)

    ended = revoke_access([ana.pk], reason="account_suspended", revoked_by=SYSTEM)

    assert set(ended) == {ana.pk}
    assert (ended[ana.pk].token_ids, sorted(ended[ana.pk].session_device_ids)) == (
        [token.pk],
        sorted(d.pk for d in sessions),
    )
    assert not any(SessionStore().exists(d.session_key) for d in sessions)
    token.refresh_from_db()
    others_token.refresh_from_db()
    assert (token.revoked_reason, others_token.revoked_at) == ("account_suspended", None)
    with scope.system_context("test: read the global chain and events"):
        audit = AuditEvent.objects.get(action="accounts.access_revoked")
        published = OutboxEvent.objects.get(name="accounts.token_revoked")
    assert audit.data["token_ids"] == [token.pk]
    assert (published.payload["user_id"], published.payload["token_ids"]) == (ana.pk, [token.pk])


def test_ending_one_tenants_sessions_leaves_other_sessions_and_tokens(ana):
    acme, globex = TenantFactory.create(), TenantFactory.create()
    in_acme, in_globex = browser_session(ana, acme), browser_session(ana, globex)
    _client, token = token_client(ana)

    ended = revoke_access([ana.pk], reason="membership_removed", revoked_by=SYSTEM, tenant_id=acme.pk)

    assert ended[ana.pk].session_device_ids == [in_acme.pk]
    assert not SessionStore().exists(in_acme.session_key)
    assert SessionStore().exists(in_globex.session_key)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nothing_to_end_is_neither_recorded_nor_published(ana):
    assert revoke_access([ana.pk], reason="x", revoked_by=SYSTEM) == {}
    with scope.system_context("test: read the global chain"):
        assert not AuditEvent.objects.filter(action="accounts.access_revoked").exists()


def test_a_revoked_browser_session_is_logged_out(client, acme):
    person = UserFactory.create()
    MembershipFactory.create(user=person, tenant=acme, role=Role.ADMIN)
    client.force_login(person)
    assert client.get(ME).status_code == 200

    revoke_access([person.pk], reason="account_suspended", revoked_by=SYSTEM)

    assert client.get(ME).status_code == 401


def test_a_token_lives_the_configured_time(ana, settings):
    settings.NEXUS_LOGIN_TOKEN_TTL_MINUTES = 30
    before = timezone.now()

    _client, token = token_client(ana)

    assert before + dt.timedelta(minutes=30) <= token.expires_at <= timezone.now() + dt.timedelta(minutes=30)


def a_while_later(client) -> None:
    """As if the session's device was last looked at more than the check interval ago."""
    session = client.session
    session[CHECKED_SESSION_KEY] = (timezone.now() - CHECK_INTERVAL - dt.timedelta(seconds=1)).isoformat()
    session.save()


def test_a_session_whose_device_was_ended_is_logged_out_on_its_next_check(client, ana):
    client.force_login(ana)
    # Ended without its session data being deleted (a session store that missed the delete).
    Device.objects.filter(user=ana).update(revoked_at=timezone.now(), revoked_reason="account_suspended")
    a_while_later(client)

    response = client.get(ME)

    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


def test_a_live_session_is_noted_as_seen_at_most_every_few_minutes(client, ana):
    client.force_login(ana)
    long_ago = timezone.now() - dt.timedelta(days=3)
    Device.objects.filter(user=ana).update(last_seen_at=long_ago)

    client.get(ME)  # seen at login a moment ago: not looked at again
    assert Device.objects.get(user=ana).last_seen_at == long_ago
    a_while_later(client)
    client.get(ME)
    seen = Device.objects.get(user=ana).last_seen_at
    Device.objects.filter(user=ana).update(last_seen_at=long_ago)
    client.get(ME)

    assert seen > long_ago
    assert Device.objects.get(user=ana).last_seen_at == long_ago  # checked a moment ago: left alone
