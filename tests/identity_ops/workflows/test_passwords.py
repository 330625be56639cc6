"""Password reset by email: same answer for every address, single-use links, every login ended."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from identity_ops.contracts.access import Client
from identity_ops.workflows.passwords import (
    check_password_reset_link,
    confirm_password_reset,
    deliver_password_reset,
    request_password_reset,
)
from nexus.accounts.models import Device, DeviceKind, LoginToken, PasswordResetToken, UserStatus
from nexus.accounts.password_resets import INVALID_LINK
from nexus.accounts.tokens import issue_login_token
from nexus.core import scope
from nexus.core.errors import InvalidInput, Throttled
from nexus.core.models import OutboxEvent
from tests.factories.people import UserFactory
from tests.identity_ops.conftest import key_from_outbox

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"
CLIENT = Client(ip_address="198.51.100.7", user_agent="tests")


def test_an_active_account_gets_a_link_and_an_unknown_address_gets_nothing(ana, run_on_commit):
    with run_on_commit():
        request_password_reset("ANA@example.com", client=CLIENT)
        request_password_reset("nobody@example.com", client=CLIENT)

    (email,) = mail.outbox
    assert (email.to, email.subject) == (["ana@example.com"], "Choose a new Nexus password")
    assert PasswordResetToken.objects.filter(user=ana).count() == 1
    assert key_from_outbox("ana@example.com") not in PasswordResetToken.objects.get().digest


def test_a_suspended_account_gets_no_link(run_on_commit):
    UserFactory.create(email="sus@example.com", status=UserStatus.SUSPENDED)

    with run_on_commit():
        request_password_reset("sus@example.com")

    assert mail.outbox == []


def test_confirming_sets_the_password_and_ends_every_login(ana, run_on_commit):
    device = Device.objects.create(user=ana, kind=DeviceKind.TOKEN)
    token = issue_login_token(ana, device).token
    with run_on_commit():
        request_password_reset("ana@example.com")

    confirm_password_reset(key_from_outbox("ana@example.com"), NEW_PASSWORD, client=CLIENT)

    ana.refresh_from_db()
    assert ana.check_password(NEW_PASSWORD)
    token.refresh_from_db()
    assert token.revoked_reason == "password_reset"
    with scope.system_context("test: read platform events"):
        event = OutboxEvent.objects.get(name="accounts.password_reset")
    assert (event.payload["user_id"], event.payload["ip_address"]) == (ana.pk, "198.51.100.7")


def test_a_reset_link_works_once(ana, run_on_commit):
    with run_on_commit():
        request_password_reset("ana@example.com")
    key = key_from_outbox("ana@example.com")
    confirm_password_reset(key, NEW_PASSWORD)

    with pytest.raises(InvalidInput) as refused:
        confirm_password_reset(key, "yet another passphrase 7")

    assert refused.value.fields == {"token": [INVALID_LINK]}
    ana.refresh_from_db()
    assert ana.check_password(NEW_PASSWORD)


def test_a_weak_password_is_refused_and_leaves_the_link_usable(ana, run_on_commit):
    with run_on_commit():
        request_password_reset("ana@example.com")
    key = key_from_outbox("ana@example.com")

    with pytest.raises(InvalidInput) as refused:
        confirm_password_reset(key, "password")

    assert set(refused.value.fields) == {"password"}
    assert LoginToken.objects.count() == 0
    confirm_password_reset(key, NEW_PASSWORD)


def test_a_newer_link_replaces_the_earlier_one(ana, run_on_commit):
    with run_on_commit():
        request_password_reset("ana@example.com")
        request_password_reset("ana@example.com")
    first, second = key_from_outbox("ana@example.com", 0), key_from_outbox("ana@example.com", 1)

    with pytest.raises(InvalidInput):
        confirm_password_reset(first, NEW_PASSWORD)
    confirm_password_reset(second, NEW_PASSWORD)


def test_requests_for_one_address_are_rate_limited_whether_or_not_it_exists(ana):
    for _ in range(5):
        request_password_reset("ana@example.com")
        request_password_reset("nobody@example.com")

    with pytest.raises(Throttled):
        request_password_reset("ana@example.com")
    with pytest.raises(Throttled):
        request_password_reset("nobody@example.com")


def test_an_existing_and_an_unknown_address_cost_the_same_before_the_answer(
    ana, django_capture_on_commit_callbacks
):
    work = {}
    for address in ("ana@example.com", "nobody@example.com"):
        with django_capture_on_commit_callbacks() as later, CaptureQueriesContext(connection) as queries:
            request_password_reset(address, client=CLIENT)
        work[address] = (len(queries), len(later))

    assert work["ana@example.com"] == work["nobody@example.com"]
    assert work["ana@example.com"][1] == 1  # the delivery, queued after commit
    assert not PasswordResetToken.objects.exists()  # nothing looked up or issued before answering
    assert mail.outbox == []


def test_the_delivery_after_the_answer_issues_and_emails_only_for_an_active_account(ana, run_on_commit):
    with run_on_commit():
        assert deliver_password_reset("ana@example.com", client=CLIENT) is True
        assert deliver_password_reset("nobody@example.com", client=CLIENT) is False

    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    assert PasswordResetToken.objects.filter(user=ana).count() == 1


def test_checking_a_reset_link_uses_nothing_up(ana, run_on_commit):
    with run_on_commit():
        request_password_reset("ana@example.com", client=CLIENT)
    key = key_from_outbox("ana@example.com")

    check_password_reset_link(key)
    check_password_reset_link(key)

    assert PasswordResetToken.objects.get().used_at is None
    confirm_password_reset(key, NEW_PASSWORD, client=CLIENT)
    for unusable in (key, "forged", ""):
        with pytest.raises(InvalidInput) as refused:
            check_password_reset_link(unusable)
        assert refused.value.fields == {"token": [INVALID_LINK]}
