"""Invitations: invite, accept (new or existing account), revoke, expire, reuse, send again."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from identity_ops.models import (
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from identity_ops.workflows.invitations import (
    EXPIRED_LINK,
    INVALID_LINK,
    NOT_YOURS,
    InvitationLink,
    accept_invitation,
    describe_invitation,
    expire_overdue_invitations,
    invite,
    resend_invitation,
    revoke_invitation,
)
from nexus.accounts.models import User, UserStatus
from nexus.core import scope
from nexus.core.errors import Conflict, InvalidInput, PermissionDenied, Throttled
from nexus.core.models import AuditEvent
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.identity_ops.conftest import key_from_outbox

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def invite_as(admin, tenant, email="new@example.com", role=Role.SALES) -> Invitation:
    with scope.tenant(tenant):
        return invite(email=email, role=role, actor=admin, full_name="New Person")


def the_invitation(tenant, pk) -> Invitation:
    with scope.tenant(tenant):
        return Invitation.objects.get(pk=pk)


def test_inviting_a_new_address_creates_a_pending_account_an_invited_membership_and_an_email(
    acme, ana, run_on_commit
):
    with run_on_commit():
        invitation = invite_as(ana, acme)

    person = User.objects.get(email="new@example.com")
    assert (person.status, person.has_usable_password()) == (UserStatus.PENDING_VERIFICATION, False)
    membership = Membership.objects.get(user=person, tenant=acme)
    assert (membership.role, membership.status) == (Role.SALES, MembershipStatus.INVITED)
    assert (invitation.status, invitation.invited_by_id, invitation.user_id, invitation.membership_id) == (
        InvitationStatus.PENDING,
        ana.pk,
        person.pk,
        membership.pk,
    )
    (email,) = mail.outbox
    assert (email.to, email.subject) == (["new@example.com"], "Ana Lima invites you to join Acme on Nexus")
    assert "as Sales clerk" in email.body
    with scope.tenant(acme):
        event = AuditEvent.objects.get(action="identity.invitation_created")
    assert (event.actor_id, event.data["role"], event.personal["email"]) == (
        str(ana.pk),
        "sales",
        "new@example.com",
    )


def test_accepting_sets_the_password_and_completes_a_registration(acme, ana, run_on_commit):
    with run_on_commit():
        invitation = invite_as(ana, acme)

    accepted = accept_invitation(key_from_outbox("new@example.com"), password=PASSWORD, full_name="Nina New")

    assert (accepted.tenant_slug, accepted.new_account) == ("acme", True)
    person = User.objects.get(email="new@example.com")
    assert (person.status, person.full_name) == (UserStatus.ACTIVE, "Nina New")
    assert person.check_password(PASSWORD)
    assert Membership.objects.get(user=person, tenant=acme).status == MembershipStatus.ACTIVE
    assert the_invitation(acme, invitation.pk).status == InvitationStatus.ACCEPTED
    with scope.tenant(acme):
        registration = Registration.objects.get()
    assert (registration.source, registration.status, registration.invitation_id) == (
        RegistrationSource.INVITATION,
        RegistrationStatus.COMPLETED,
        invitation.pk,
    )


def test_a_weak_password_is_refused_and_the_invitation_stays_usable(acme, ana, run_on_commit):
    with run_on_commit():
        invite_as(ana, acme)
    key = key_from_outbox("new@example.com")

    with pytest.raises(InvalidInput) as refused:
        accept_invitation(key, password="12345")

    assert set(refused.value.fields) == {"password"}
    assert User.objects.get(email="new@example.com").status == UserStatus.PENDING_VERIFICATION
    accept_invitation(key, password=PASSWORD)


def test_an_existing_person_invited_to_a_second_tenant_gets_a_membership_not_a_second_account(
    acme, globex, gus, run_on_commit
):
    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=acme, role=Role.VIEWER)

    with run_on_commit():
        invitation = invite_as(gus, globex, email="Bo@Example.com", role=Role.MANAGER)
    accepted = accept_invitation(key_from_outbox("bo@example.com"), password="ignored entirely 123")

    assert accepted.new_account is False
    assert User.objects.filter(email__iexact="bo@example.com").count() == 1
    bo.refresh_from_db()
    assert bo.check_password(TEST_PASSWORD)
    roles = dict(Membership.objects.filter(user=bo).values_list("tenant__slug", "role"))
    assert roles == {"acme": Role.VIEWER, "globex": Role.MANAGER}
    assert (invitation.created_user, invitation.created_membership) == (False, True)
    with scope.tenant(globex):
        assert not Registration.objects.exists()


def test_describing_an_invitation_link_says_what_it_offers_and_uses_nothing_up(acme, ana, run_on_commit):
    with run_on_commit():
        invitation = invite_as(ana, acme)
    key = key_from_outbox("new@example.com")

    described = [describe_invitation(key), describe_invitation(key)]

    person = User.objects.get(email="new@example.com")
    assert (
        described
        == [
            InvitationLink(
                tenant_name="Acme",
                email="new@example.com",
                full_name="New Person",
                role="Sales clerk",
                user_id=person.pk,
                new_account=True,
                expires_at=invitation.expires_at,
            )
        ]
        * 2
    )
    assert the_invitation(acme, invitation.pk).status == InvitationStatus.PENDING
    accept_invitation(key, password=PASSWORD)
    with pytest.raises(InvalidInput) as used:
        describe_invitation(key)
    assert used.value.fields == {"token": [INVALID_LINK]}


def test_an_existing_account_accepting_as_someone_else_is_refused_and_changes_nothing(
    acme, globex, ana, gus, run_on_commit
):
    with run_on_commit():
        invitation = invite_as(ana, acme, email="gus@example.com")
    key = key_from_outbox("gus@example.com")
    assert describe_invitation(key).new_account is False

    with pytest.raises(InvalidInput) as refused:
        accept_invitation(key, as_person=ana.pk)

    assert refused.value.fields == {"token": [NOT_YOURS]}
    assert the_invitation(acme, invitation.pk).status == InvitationStatus.PENDING
    assert accept_invitation(key, as_person=gus.pk).tenant_slug == "acme"
    assert Membership.objects.get(user=gus, tenant=acme).status == MembershipStatus.ACTIVE


def test_an_invitation_link_works_once(acme, ana, run_on_commit):
    with run_on_commit():
        invite_as(ana, acme)
    key = key_from_outbox("new@example.com")
    accept_invitation(key, password=PASSWORD)

    with pytest.raises(InvalidInput) as refused:
        accept_invitation(key, password=PASSWORD)

    assert refused.value.fields == {"token": [INVALID_LINK]}


def test_an_expired_invitation_is_refused_then_expired_and_withdrawn(acme, ana, run_on_commit):
    with run_on_commit():
        invitation = invite_as(ana, acme)
    key = key_from_outbox("new@example.com")
    with scope.tenant(acme):
        Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    with pytest.raises(InvalidInput) as refused:
        accept_invitation(key, password=PASSWORD)
    assert refused.value.fields == {"token": [EXPIRED_LINK]}

    assert expire_overdue_invitations() == 1

    expired = the_invitation(acme, invitation.pk)
    assert (expired.status, expired.user_id, expired.membership_id) == (InvitationStatus.EXPIRED, None, None)
    assert not User.objects.filter(email="new@example.com").exists()


def test_revoking_withdraws_the_membership_and_the_unused_account(acme, ana, run_on_commit):
    with run_on_commit():
        invitation = invite_as(ana, acme)
    key = key_from_outbox("new@example.com")

    with scope.tenant(acme):
        result = revoke_invitation(invitation.pk, actor=ana, reason="wrong address")

    assert result.instance.status == InvitationStatus.REVOKED
    assert not User.objects.filter(email="new@example.com").exists()
    assert not Membership.objects.filter(tenant=acme, role=Role.SALES).exists()
    with pytest.raises(InvalidInput) as refused:
        accept_invitation(key, password=PASSWORD)
    assert refused.value.fields == {"token": [INVALID_LINK]}


def test_revoking_an_invitation_of_an_existing_person_keeps_their_account(acme, globex, gus):
    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=acme, role=Role.VIEWER)
    invitation = invite_as(gus, globex, email="bo@example.com")

    with scope.tenant(globex):
        revoke_invitation(invitation.pk, actor=gus, reason="sent by mistake")

    assert User.objects.filter(pk=bo.pk, status=UserStatus.ACTIVE).exists()
    assert list(Membership.objects.filter(user=bo).values_list("tenant__slug", flat=True)) == ["acme"]


def test_a_removed_member_is_invited_back_and_revoking_removes_them_again(acme, ana, run_on_commit):
    bo = UserFactory.create(email="bo@example.com")
    old = MembershipFactory.create(user=bo, tenant=acme, role=Role.VIEWER, status=MembershipStatus.REMOVED)

    invitation = invite_as(ana, acme, email="bo@example.com", role=Role.ACCOUNTANT)
    old.refresh_from_db()
    assert (old.status, old.role, invitation.created_membership) == (
        MembershipStatus.INVITED,
        Role.ACCOUNTANT,
        False,
    )

    with scope.tenant(acme):
        revoke_invitation(invitation.pk, actor=ana)

    old.refresh_from_db()
    assert old.status == MembershipStatus.REMOVED
    assert User.objects.filter(pk=bo.pk).exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (MembershipStatus.ACTIVE, "bo@example.com is already a member of this tenant."),
        (MembershipStatus.SUSPENDED, "bo@example.com is already a member of this tenant."),
        (
            MembershipStatus.INVITED,
            "bo@example.com already has a pending invitation or sign-up here; "
            "send that invitation again instead.",
        ),
    ],
)
def test_inviting_a_member_of_the_tenant_is_refused_and_creates_nothing(acme, ana, status, message):
    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=acme, role=Role.VIEWER, status=status)

    with pytest.raises(InvalidInput) as refused:
        invite_as(ana, acme, email="bo@example.com")

    assert refused.value.fields == {"email": [message]}
    with scope.tenant(acme):
        assert not Invitation.objects.exists()


def test_bad_addresses_and_roles_are_refused(acme, ana):
    with pytest.raises(InvalidInput) as refused:
        invite_as(ana, acme, email="nope", role="overlord")

    assert set(refused.value.fields) == {"email", "role"}
    assert not User.objects.filter(email="nope").exists()


def test_only_an_administrator_of_the_tenant_invites(acme, globex, ana):
    # Ana administers Acme but is only a viewer in Globex.
    with pytest.raises(PermissionDenied):
        invite_as(ana, globex)

    assert not User.objects.filter(email="new@example.com").exists()


def test_sending_again_replaces_the_link_and_is_rate_limited(acme, ana, run_on_commit):
    with run_on_commit():
        invitation = invite_as(ana, acme)
    first = key_from_outbox("new@example.com")

    with scope.tenant(acme), run_on_commit():
        resent = resend_invitation(invitation.pk, actor=ana)
        with pytest.raises(Throttled):
            resend_invitation(invitation.pk, actor=ana)

    assert resent.sent_count == 2
    with pytest.raises(InvalidInput):
        accept_invitation(first, password=PASSWORD)
    accept_invitation(key_from_outbox("new@example.com"), password=PASSWORD)


def test_only_a_pending_invitation_is_sent_again(acme, ana):
    invitation = invite_as(ana, acme)
    with scope.tenant(acme):
        revoke_invitation(invitation.pk, actor=ana)

        with pytest.raises(Conflict):
            resend_invitation(invitation.pk, actor=ana)
