"""Email verification completes a registration; expiry is the compensation of an unverified one."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from identity_ops.models import LinkKey, Registration, RegistrationStatus
from identity_ops.tasks import expire_overdue
from identity_ops.workflows.registration import (
    EXPIRED_LINK,
    INVALID_LINK,
    SignUp,
    VerificationLink,
    describe_verification,
    expire_overdue_registrations,
    resend_verification,
    sign_up,
    verify_email,
)
from nexus.accounts.models import Device, DeviceKind, User, UserStatus
from nexus.core import scope
from nexus.core.errors import InvalidInput
from nexus.core.models import AuditEvent, TransitionLog
from nexus.core.retention import purge_all
from nexus.notifications.models import Notification
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, TenantFactory
from tests.identity_ops.conftest import key_from_outbox

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def start(tenant="acme", email="new@example.com", key="k-1") -> None:
    sign_up(
        SignUp(tenant=tenant, email=email, password=PASSWORD, full_name="New Person", idempotency_key=key)
    )


def the_registration(tenant) -> Registration:
    with scope.tenant(tenant):
        return Registration.objects.get()


def age(tenant, days: int) -> None:
    """Move the tenant's registrations ``days`` into the past."""
    with scope.tenant(tenant):
        Registration.objects.update(expires_at=timezone.now() - dt.timedelta(days=days))


def test_verifying_activates_account_and_membership_and_completes_the_registration(acme, run_on_commit):
    with run_on_commit():
        start()
    key = key_from_outbox("new@example.com")

    with run_on_commit():
        verified = verify_email(key)

    assert (verified.tenant_slug, verified.email) == ("acme", "new@example.com")
    person = User.objects.get(email="new@example.com")
    assert (person.status, person.is_active) == (UserStatus.ACTIVE, True)
    assert person.email_verified_at is not None
    assert Membership.objects.get(user=person).status == MembershipStatus.ACTIVE
    registration = the_registration(acme)
    assert (registration.status, registration.token_digest) == (RegistrationStatus.COMPLETED, "")
    assert registration.completed_at is not None
    assert mail.outbox[-1].subject == "Welcome to Nexus, Acme"
    with scope.tenant(acme):
        log = TransitionLog.objects.get(object_type="identity_ops.registration", transition="complete")
    assert (log.actor_kind, log.actor_id) == ("user", str(person.pk))


def test_a_verification_link_works_once(acme, run_on_commit):
    with run_on_commit():
        start()
    key = key_from_outbox("new@example.com")
    verify_email(key)

    with pytest.raises(InvalidInput) as refused:
        verify_email(key)

    assert refused.value.fields == {"token": [INVALID_LINK]}


def test_an_unknown_link_is_refused(acme):
    with pytest.raises(InvalidInput) as refused:
        verify_email("not-a-key")

    assert refused.value.fields == {"token": [INVALID_LINK]}


def test_a_link_past_the_period_is_refused_and_changes_nothing(acme, run_on_commit):
    with run_on_commit():
        start()
    age(acme, 1)

    with pytest.raises(InvalidInput) as refused:
        verify_email(key_from_outbox("new@example.com"))

    assert refused.value.fields == {"token": [EXPIRED_LINK]}
    assert User.objects.get(email="new@example.com").status == UserStatus.PENDING_VERIFICATION
    assert the_registration(acme).status == RegistrationStatus.PENDING_VERIFICATION


def test_describing_a_link_says_what_it_confirms_and_uses_nothing_up(acme, run_on_commit):
    with run_on_commit():
        start()
    key = key_from_outbox("new@example.com")

    described = [describe_verification(key), describe_verification(key)]

    assert described == [VerificationLink(tenant_name="Acme", email="new@example.com")] * 2
    assert the_registration(acme).status == RegistrationStatus.PENDING_VERIFICATION
    assert verify_email(key).email == "new@example.com"
    with pytest.raises(InvalidInput) as used:
        describe_verification(key)
    assert used.value.fields == {"token": [INVALID_LINK]}


def test_describing_an_expired_link_says_so(acme, run_on_commit):
    with run_on_commit():
        start()
    age(acme, 1)

    with pytest.raises(InvalidInput) as refused:
        describe_verification(key_from_outbox("new@example.com"))

    assert refused.value.fields == {"token": [EXPIRED_LINK]}


def test_a_resent_link_replaces_the_earlier_one(acme, run_on_commit):
    with run_on_commit():
        start()
        resend_verification(tenant="acme", email="NEW@example.com")
    first, second = key_from_outbox("new@example.com", 0), key_from_outbox("new@example.com", 1)

    with pytest.raises(InvalidInput):
        verify_email(first)
    verify_email(second)

    assert the_registration(acme).status == RegistrationStatus.COMPLETED


def test_resending_for_an_unknown_address_sends_nothing_and_says_nothing(acme, run_on_commit):
    with run_on_commit():
        resend_verification(tenant="acme", email="nobody@example.com")

    assert mail.outbox == []


def test_expiry_deletes_the_orphan_account_and_erases_its_personal_data(acme, run_on_commit):
    with run_on_commit():
        start()
    person = User.objects.get(email="new@example.com")
    Device.objects.create(user=person, kind=DeviceKind.TOKEN, ip_address="198.51.100.7")
    age(acme, 1)

    assert expire_overdue_registrations() == 1

    assert not User.objects.filter(pk=person.pk).exists()
    assert not Membership.objects.filter(user_id=person.pk).exists()
    assert not Device.objects.filter(user_id=person.pk).exists()
    assert not Notification.objects.filter(recipient_id=person.pk).exists()
    registration = the_registration(acme)
    assert (registration.status, registration.user_id, registration.membership_id) == (
        RegistrationStatus.EXPIRED,
        None,
        None,
    )
    assert (registration.email, registration.full_name, registration.token_digest) == ("", "", "")
    with scope.system_context("test: read every chain"):
        started = AuditEvent.objects.get(action="identity.registration_started")
        assert started.personal is None  # erased; the hashed data stays for the chain
        assert AuditEvent.objects.filter(action="audit.personal_data_erased").count() == 2
        log = TransitionLog.objects.get(object_type="identity_ops.registration", transition="expire")
    assert (log.actor_kind, log.to_state) == ("system", "expired")


def test_expiry_keeps_an_account_that_has_another_membership(acme, globex, run_on_commit):
    with run_on_commit():
        start()
    person = User.objects.get(email="new@example.com")
    MembershipFactory.create(user=person, tenant=globex, role=Role.SALES, status=MembershipStatus.ACTIVE)
    age(acme, 1)

    assert expire_overdue() == {"registrations": 1, "invitations": 0}

    assert User.objects.filter(pk=person.pk).exists()
    assert list(Membership.objects.filter(user=person).values_list("tenant__slug", flat=True)) == ["globex"]
    registration = the_registration(acme)
    assert (registration.status, registration.user_id, registration.email) == (
        RegistrationStatus.EXPIRED,
        person.pk,
        "new@example.com",
    )


def test_expiry_keeps_an_existing_account_and_only_withdraws_the_new_membership(acme, ana, run_on_commit):
    other = TenantFactory.create(slug="initech", name="Initech", policies={"self_signup": True})
    with run_on_commit():
        start(tenant="initech", email="ana@example.com")
    with scope.tenant(other):
        Registration.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert expire_overdue_registrations() == 1

    ana.refresh_from_db()
    assert ana.status == UserStatus.ACTIVE
    assert not Membership.objects.filter(user=ana, tenant=other).exists()
    assert Membership.objects.filter(user=ana).count() == 2


def test_registrations_within_their_period_or_verified_are_left_alone(acme, run_on_commit):
    with run_on_commit():
        start(email="waiting@example.com", key="a")
        start(email="verified@example.com", key="b")
    verify_email(key_from_outbox("verified@example.com"))

    assert expire_overdue_registrations() == 0
    age(acme, 1)
    assert expire_overdue_registrations() == 1

    assert User.objects.filter(email="verified@example.com", status=UserStatus.ACTIVE).exists()
    assert not User.objects.filter(email="waiting@example.com").exists()


def test_the_verification_period_is_the_tenants(acme, run_on_commit):
    acme.policies = {"self_signup": True, "registration_days": 2}
    acme.save()
    before = timezone.now()

    start()

    expires = the_registration(acme).expires_at
    assert before + dt.timedelta(days=2) <= expires <= timezone.now() + dt.timedelta(days=2)


def _system_entries() -> list[str]:
    with scope.system_context("tests: read system entries", record=False):
        rows = AuditEvent.objects.filter(action="system.context_entered")
        return list(rows.values_list("actor_label", flat=True))


def test_opening_a_link_finds_its_tenant_by_the_key_digest_without_entering_the_system_context(
    acme, run_on_commit
):
    globex = TenantFactory.create(name="Globex", slug="globex", policies={"self_signup": True})
    with run_on_commit():
        start()
        start(tenant="globex", email="other@example.com")
    key = key_from_outbox("other@example.com")
    assert list(LinkKey.objects.values_list("digest", "tenant_id").order_by("tenant_id")) == sorted(
        [(the_registration(acme).token_digest, acme.pk), (the_registration(globex).token_digest, globex.pk)],
        key=lambda row: row[1],
    )
    entries_before = _system_entries()

    verified = verify_email(key)

    assert verified.tenant_slug == "globex"
    assert _system_entries() == entries_before
    # The used link's key is forgotten; the other tenant's stays.
    assert list(LinkKey.objects.values_list("tenant_id", flat=True)) == [acme.pk]


def test_a_resent_link_replaces_the_earlier_ones_key(acme, run_on_commit):
    with run_on_commit():
        start()
        resend_verification(tenant="acme", email="new@example.com")
    assert list(LinkKey.objects.values_list("digest", flat=True)) == [the_registration(acme).token_digest]


def test_keys_of_links_nobody_can_use_any_more_are_purged(acme, run_on_commit):
    with run_on_commit():
        start()
    LinkKey.objects.create(digest="f" * 64, tenant=acme)
    LinkKey.objects.update(created_at=timezone.now() - dt.timedelta(days=2))

    purged = purge_all()

    assert purged["identity_ops.unusable_link_keys"] == 1
    assert list(LinkKey.objects.values_list("digest", flat=True)) == [the_registration(acme).token_digest]
