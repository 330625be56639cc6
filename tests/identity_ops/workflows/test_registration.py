"""Self sign-up: one transaction, idempotent retries, emails after commit, enumeration safety."""

import pytest
from django.core import mail
from django.test import override_settings

from adapters.identity_notifications import DjangoNotifier
from identity_ops import wiring
from identity_ops.contracts.access import Client
from identity_ops.models import Registration, RegistrationSource, RegistrationStatus
from identity_ops.workflows.registration import CLOSED_TENANT, SignUp, sign_up, verify_email
from nexus.accounts.models import User, UserStatus
from nexus.core import scope
from nexus.core.errors import IdempotencyMismatch, InvalidInput, Throttled
from nexus.core.models import AuditEvent
from nexus.core.models.refs import ActorRef
from nexus.notifications.models import Notification, NotificationStatus
from nexus.notifications.services import resend
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.identity_ops.conftest import REFUSING_BACKEND, key_from_outbox
from tests.nexus.accounts.hashers import CountingHasher

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def attempt(tenant="acme", email="new@example.com", key="k-1", password=PASSWORD, **extra) -> None:
    sign_up(
        SignUp(
            tenant=tenant,
            email=email,
            password=password,
            full_name=extra.pop("full_name", "New Person"),
            idempotency_key=key,
            client=Client(ip_address="198.51.100.7", user_agent="tests"),
        )
    )


def registrations(tenant):
    with scope.tenant(tenant):
        return list(Registration.objects.order_by("id"))


def test_a_sign_up_creates_account_membership_registration_audit_and_email_together(acme, run_on_commit):
    with run_on_commit():
        attempt()

    person = User.objects.get(email="new@example.com")
    assert (person.status, person.is_active, person.full_name) == (
        UserStatus.PENDING_VERIFICATION,
        False,
        "New Person",
    )
    assert person.check_password(PASSWORD)
    membership = Membership.objects.get(user=person)
    assert (membership.tenant_id, membership.role, membership.status) == (
        acme.pk,
        Role.VIEWER,
        MembershipStatus.INVITED,
    )
    (registration,) = registrations(acme)
    assert (registration.status, registration.source, registration.user_id, registration.membership_id) == (
        RegistrationStatus.PENDING_VERIFICATION,
        RegistrationSource.SIGN_UP,
        person.pk,
        membership.pk,
    )
    assert (registration.created_user, registration.created_membership) == (True, True)
    assert len(registration.token_digest) == 64
    with scope.tenant(acme):
        event = AuditEvent.objects.get(action="identity.registration_started")
    assert event.personal == {"email": "new@example.com", "ip_address": "198.51.100.7", "user_agent": "tests"}
    assert event.data["created_user"] is True
    (email,) = mail.outbox
    assert email.to == ["new@example.com"]
    assert email.subject == "Confirm your email address to join Acme"
    assert PASSWORD not in email.body  # no plaintext password is ever sent
    key = key_from_outbox("new@example.com")
    assert key not in registration.token_digest  # only the digest is stored


def test_a_retried_sign_up_with_the_same_key_creates_nothing_twice(acme, run_on_commit):
    with run_on_commit():
        attempt(key="same")
        attempt(key="same")

    assert User.objects.filter(email="new@example.com").count() == 1
    assert Membership.objects.filter(tenant=acme).count() == 1
    assert len(registrations(acme)) == 1
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_same_key_for_another_address_is_a_mismatch_and_creates_nothing(acme):
    attempt(key="same")

    with pytest.raises(IdempotencyMismatch):
        attempt(key="same", email="other@example.com")

    assert not User.objects.filter(email="other@example.com").exists()


def test_a_registration_whose_email_fails_stays_pending_with_a_notification_to_send_again(
    acme, operator, run_on_commit
):
    with override_settings(EMAIL_BACKEND=REFUSING_BACKEND), run_on_commit():
        attempt()

    person = User.objects.get(email="new@example.com")
    assert person.status == UserStatus.PENDING_VERIFICATION
    assert registrations(acme)[0].status == RegistrationStatus.PENDING_VERIFICATION
    failed = Notification.objects.get(recipient=person)
    assert (failed.status, failed.template) == (NotificationStatus.FAILED, "verify_email")
    assert mail.outbox == []

    with run_on_commit():
        resend(failed, actor=ActorRef.for_user(operator))

    failed.refresh_from_db()
    assert failed.status == NotificationStatus.SENT
    verify_email(key_from_outbox("new@example.com"))
    assert User.objects.get(pk=person.pk).status == UserStatus.ACTIVE


@pytest.mark.parametrize(
    ("field", "overrides", "message_part"),
    [
        ("email", {"email": "not-an-address"}, "valid email"),
        ("password", {"password": "short"}, "too short"),
        ("password", {"password": "new@example.com"}, "too similar"),
        ("tenant", {"tenant": "globex"}, CLOSED_TENANT),
        ("tenant", {"tenant": "nowhere"}, CLOSED_TENANT),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_creates_nothing(
    acme, globex, field, overrides, message_part
):
    with pytest.raises(InvalidInput) as refused:
        attempt(**overrides)

    assert message_part in " ".join(refused.value.fields[field])
    assert not User.objects.exists()
    assert not Membership.objects.exists()
    assert registrations(acme) == []
    assert not Notification.objects.exists()


def test_a_suspended_tenant_takes_no_sign_ups(dormant):
    dormant.policies = {"self_signup": True}
    dormant.save()

    with pytest.raises(InvalidInput) as refused:
        attempt(tenant="dormant")

    assert refused.value.fields == {"tenant": [CLOSED_TENANT]}


def test_an_existing_account_joins_through_a_registration_without_a_second_account(
    acme, globex, run_on_commit
):
    person = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=person, tenant=globex, role=Role.SALES)

    with run_on_commit():
        attempt(email="BO@example.com", password="another long password 9")

    assert User.objects.filter(email__iexact="bo@example.com").count() == 1
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)  # never changed by an anonymous request
    (registration,) = registrations(acme)
    assert (registration.created_user, registration.created_membership) == (False, True)
    assert mail.outbox[0].subject == "Confirm that you want to join Acme"

    verify_email(key_from_outbox("bo@example.com"))

    assert Membership.objects.get(user=person, tenant=acme).status == MembershipStatus.ACTIVE
    assert Membership.objects.get(user=person, tenant=globex).role == Role.SALES


def test_an_address_already_member_gets_a_note_instead_of_a_registration(acme, ana, run_on_commit):
    with run_on_commit():
        attempt(email="ana@example.com")

    assert registrations(acme) == []
    assert Membership.objects.filter(user=ana).count() == 2
    (email,) = mail.outbox
    assert email.subject == "Someone tried to sign up for Acme with your address"
    assert "You are already a member of Acme" in email.body


def test_sign_ups_of_one_address_are_rate_limited_whether_or_not_it_exists(acme, ana):
    for number in range(5):
        attempt(email="ana@example.com", key=f"a{number}")
        attempt(email="nobody@example.com", key=f"n{number}")

    with pytest.raises(Throttled):
        attempt(email="ana@example.com", key="a-last")
    with pytest.raises(Throttled):
        attempt(email="nobody@example.com", key="n-last")


@override_settings(PASSWORD_HASHERS=["tests.nexus.accounts.hashers.CountingHasher"])
def test_every_sign_up_path_hashes_the_password_once(acme, globex):
    UserFactory.create(email="known@example.com")
    paths = {
        "new account": {"email": "new@example.com", "key": "k-1"},
        "retry of the same request": {"email": "new@example.com", "key": "k-1"},
        "pending registration": {"email": "new@example.com", "key": "k-2"},
        "known address": {"email": "known@example.com", "key": "k-3"},
        "known address, already a member": {"email": "known@example.com", "key": "k-4"},
    }
    hashes = {}
    for path, request in paths.items():
        CountingHasher.reset()
        attempt(**request)
        hashes[path] = CountingHasher.hashes

    assert hashes == dict.fromkeys(paths, 1)
    assert len(registrations(acme)) == 2  # the new account's and the known address's


class RefusingNotifier(DjangoNotifier):
    """The notification service refusing the message: an ``InvalidInput`` nobody meant to ignore."""

    def send(self, messages):
        raise InvalidInput("A notification's context must be plain JSON.", fields={"context": ["refused"]})


@pytest.fixture
def refusing_notifier(settings):
    settings.IDENTITY_OPS_ADAPTERS = {
        **settings.IDENTITY_OPS_ADAPTERS,
        "notifier": "tests.identity_ops.workflows.test_registration.RefusingNotifier",
    }
    wiring._build.cache_clear()
    yield
    wiring._build.cache_clear()


def test_an_invalid_input_other_than_a_concurrent_duplicate_is_not_swallowed(acme, refusing_notifier):
    with pytest.raises(InvalidInput) as refused:
        attempt()

    assert refused.value.fields == {"context": ["refused"]}
    assert not User.objects.filter(email="new@example.com").exists()
    assert registrations(acme) == []
