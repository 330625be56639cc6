"""Every authentication event lands in the audit chain; the person is warned where it matters."""

import datetime as dt

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from nexus.accounts import lockout, token_families
from nexus.accounts.client import ClientInfo
from nexus.accounts.login import Via, log_out
from nexus.accounts.login_flow import InvalidSecondFactor, answer_challenge, begin_login
from nexus.accounts.mfa import authenticators, totp
from nexus.accounts.models import LoginToken
from nexus.accounts.service_tokens import create_service_token
from nexus.core import scope
from nexus.core.audit.sealer import seal_chains
from nexus.core.audit.verification import verify_chains
from nexus.core.errors import InvalidInput
from nexus.core.models import AuditEvent
from nexus.notifications.models import Notification
from nexus.tenancy.models import Role
from tests.factories.people import TEST_PASSWORD, MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

CLIENT = ClientInfo("203.0.113.5", "agent/1")


def request(**extra):
    built = RequestFactory().post("/", REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="agent/1", **extra)
    return built


def global_chain() -> list[AuditEvent]:
    with scope.system_context("test: read the global chain"):
        return list(AuditEvent.objects.filter(tenant__isnull=True).order_by("pk"))


@override_settings(NEXUS_LOGIN_FAILURE_LIMIT=2)
def test_every_authentication_event_is_audited_with_personal_data_apart(run_on_commit):
    acme = TenantFactory.create(slug="acme")
    ana = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=ana, tenant=acme, role=Role.ADMIN)
    operator = UserFactory.create(is_platform_operator=True)

    with run_on_commit():
        # Login failed twice (locked out), then a clean slate and a login with a token.
        for _ in range(2):
            with pytest.raises(Exception):  # noqa: B017, PT011  (InvalidInput: one generic answer)
                begin_login(request(), "ana@example.com", "wrong", via=Via.TOKEN)
        lockout.LoginThrottle.objects.all().delete()
        outcome = begin_login(request(), "ana@example.com", TEST_PASSWORD, via=Via.TOKEN)
        assert outcome.token is not None
        token = outcome.token.token
        refreshed = token_families.rotate(token, CLIENT)
        token_families.check_usable(refreshed.issued.token, CLIENT)
        with pytest.raises(token_families.TokenReplayed):
            token_families.check_usable(LoginToken.objects.get(pk=token.pk), CLIENT)
        # MFA enrolled, removed; enrolled again and reset by an operator.
        at = timezone.now() - dt.timedelta(minutes=1)
        for _ in range(2):
            pending = authenticators.begin_totp(ana)
            authenticators.confirm_totp(
                pending.authenticator_id, totp.code_at(pending.secret, at), at=at, client=CLIENT
            )
        authenticators.remove_authenticator(ana, pending.authenticator_id, client=CLIENT)
        authenticators.reset_mfa(ana.pk, operator=operator, reason="lost phone")
        with scope.tenant(acme):
            create_service_token(
                creator=ana,
                tenant_id=acme.pk,
                name="Sync",
                scopes=["inventory.view_product"],
                expires_at=None,
            )
        # A new login, a password change elsewhere, then logout.
        second = begin_login(request(), "ana@example.com", TEST_PASSWORD, via=Via.TOKEN)
        api = request()
        assert second.token is not None
        api.user, api.auth = ana, second.token.token
        from nexus.accounts.login_flow import change_password

        change_password(api, TEST_PASSWORD, "another-long-passphrase-7")
        log_out(api)

    actions = [e.action for e in global_chain() if e.action.startswith("accounts.")]
    for expected in (
        "accounts.login_failed",
        "accounts.locked_out",
        "accounts.login_succeeded",
        "accounts.token_issued",
        "accounts.token_rotated",
        "accounts.token_replayed",
        "accounts.token_revoked",
        "accounts.mfa_enrolled",
        "accounts.mfa_removed",
        "accounts.mfa_reset",
        "accounts.password_changed",
        "accounts.logged_out",
    ):
        assert expected in actions, expected
    with scope.system_context("test: read the tenant chain"):
        assert AuditEvent.objects.filter(tenant=acme, action="accounts.service_token_created").count() == 1

    failed = next(e for e in global_chain() if e.action == "accounts.login_failed")
    assert failed.actor_kind == "anonymous"
    assert (failed.object_type, failed.object_id) == ("accounts.user", str(ana.pk))
    assert failed.data == {"reason": "bad_credentials"}
    assert failed.personal == {
        "ip_address": "203.0.113.5",
        "user_agent": "agent/1",
        "username": "ana@example.com",
    }
    reset = next(e for e in global_chain() if e.action == "accounts.mfa_reset")
    assert (reset.actor_id, reset.data) == (str(operator.pk), {"reason": "lost phone"})

    summaries = sorted(
        n.context["summary"] for n in Notification.objects.filter(recipient=ana, channel="in_app")
    )
    assert summaries == sorted(
        [
            "Sign-in paused after repeated failures",
            "New sign-in to your account",
            "A used sign-in token was presented again",
            "A second factor was added to your account",
            "A second factor was added to your account",
            "A second factor was removed from your account",
            "Your second factors were reset by an administrator",
            "Your password was changed",
        ]
    )

    with scope.system_context("test: seal and verify"):
        seal_chains()
        assert all(result.intact for result in verify_chains())
    assert all(e.sequence is not None for e in global_chain() if e.action.startswith("accounts."))


@override_settings(NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT=2)
def test_the_owner_is_told_once_per_window_when_their_account_is_slowed(run_on_commit):
    ana = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=ana, tenant=TenantFactory.create(slug="acme"), role=Role.ADMIN)
    with run_on_commit():
        for i in range(3):  # the third is the first paced check, let through
            elsewhere = RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{i}")
            with pytest.raises(InvalidInput):
                begin_login(elsewhere, "ana@example.com", "wrong", via=Via.TOKEN)

    alerts = [n.context for n in Notification.objects.filter(recipient=ana, channel="in_app")]
    assert [a["summary"] for a in alerts] == ["Many failed sign-ins to your account"]
    assert alerts[0]["details"].startswith("2 wrong passwords were tried for your account")
    assert [e.data["failures"] for e in global_chain() if e.action == "accounts.login_slowed"] == [2]


@override_settings(NEXUS_MFA_ACCOUNT_FAILURE_LIMIT=2)
def test_the_person_is_told_when_someone_with_their_password_tries_codes(run_on_commit):
    ana = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=ana, tenant=TenantFactory.create(slug="acme"), role=Role.ADMIN)
    pending = authenticators.begin_totp(ana)
    authenticators.confirm_totp(pending.authenticator_id, totp.code_at(pending.secret, timezone.now()))
    with run_on_commit():
        outcome = begin_login(request(), "ana@example.com", TEST_PASSWORD, via=Via.TOKEN)
        assert outcome.challenge is not None
        for _ in range(2):
            with pytest.raises(InvalidSecondFactor):
                answer_challenge(request(), outcome.challenge.id, "000000", via=Via.TOKEN)

    alerts = [
        n.context["summary"]
        for n in Notification.objects.filter(recipient=ana, channel="in_app").order_by("pk")
    ]
    assert alerts == ["Someone who knows your password is trying codes"]
    assert [e.data["failures"] for e in global_chain() if e.action == "accounts.mfa_codes_guessed"] == [2]
