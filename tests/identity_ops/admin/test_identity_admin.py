"""The identity admin: people for operators, memberships, invitations and registrations per tenant."""

import pytest
from django.core import mail

from identity_ops.models import Invitation, InvitationStatus, Registration
from identity_ops.workflows.registration import SignUp, sign_up
from nexus.accounts.models import Device, DeviceKind, LoginToken, User, UserStatus
from nexus.accounts.tokens import issue_login_token
from nexus.core import scope
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"
MEMBERSHIPS = "/admin/tenancy/membership/"
INVITATIONS = "/admin/identity_ops/invitation/"
REGISTRATIONS = "/admin/identity_ops/registration/"


def work_in(client, user, tenant=None):
    client.force_login(user)
    if tenant is not None:
        session = client.session
        session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
        session.save()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_operators_list_people_and_tenant_staff_cannot(client, operator, ana, acme):
    work_in(client, operator)
    assert client.get(USERS).status_code == 200
    assert client.get(f"{USERS}add/").status_code == 403  # people come in by sign-up or invitation

    client.logout()
    work_in(client, ana, acme)
    assert client.get(USERS).status_code == 403


def test_an_operator_suspends_a_person_with_a_reason_and_their_logins_end(
    client, operator, ana, run_on_commit
):
    device = Device.objects.create(user=ana, kind=DeviceKind.TOKEN)
    token = issue_login_token(ana, device).token
    work_in(client, operator)

    asked = client.get(f"{USERS}{ana.pk}/transition/suspend/")
    with run_on_commit():
        done = client.post(f"{USERS}{ana.pk}/transition/suspend/", {"reason": "fraud check"}, follow=True)

    assert asked.status_code == 200
    assert b"A reason is required" not in asked.content
    assert messages_of(done) == ["Suspended “ana@example.com”."]
    assert User.objects.get(pk=ana.pk).status == UserStatus.SUSPENDED
    assert LoginToken.objects.get(pk=token.pk).revoked_reason == "account_suspended"
    assert [m.subject for m in mail.outbox] == ["Your account was suspended"]
    page = client.get(f"{USERS}{ana.pk}/change/")
    assert [log.transition for log in page.context["transition_history"]] == ["suspend"]
    assert [d.pk for d in page.context["inline_admin_formsets"][0].formset.queryset] == [device.pk]


def test_a_suspension_without_a_reason_is_refused(client, operator, ana):
    work_in(client, operator)

    response = client.post(f"{USERS}{ana.pk}/transition/suspend/", {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["A reason is required to suspend."]}
    assert User.objects.get(pk=ana.pk).status == UserStatus.ACTIVE


def test_a_tenant_admin_suspends_a_member_from_the_membership_page(client, ana, acme, run_on_commit):
    clerk = MembershipFactory.create(tenant=acme, role=Role.SALES)
    work_in(client, ana, acme)

    page = client.get(f"{MEMBERSHIPS}{clerk.pk}/change/")
    with run_on_commit():
        done = client.post(
            f"{MEMBERSHIPS}{clerk.pk}/transition/suspend/", {"reason": "on leave"}, follow=True
        )

    assert [b["name"] for b in page.context["transition_buttons"]] == ["suspend", "remove"]
    assert messages_of(done) == [f"Suspended “{clerk}”."]
    clerk.refresh_from_db()
    assert clerk.status == MembershipStatus.SUSPENDED
    history = client.get(f"{MEMBERSHIPS}{clerk.pk}/change/").context["transition_history"]
    assert [(log.transition, log.reason) for log in history] == [("suspend", "on leave")]


def test_the_last_administrator_button_is_shown_disabled_with_the_reason(client, ana, acme):
    own = Membership.objects.get(user=ana, tenant=acme)
    work_in(client, ana, acme)

    buttons = client.get(f"{MEMBERSHIPS}{own.pk}/change/").context["transition_buttons"]

    refusals = {b["name"]: b["refusal"] for b in buttons}
    expected = "Acme needs at least one active administrator; make someone else administrator first."
    assert refusals == {"suspend": f"cannot suspend: {expected}", "remove": f"cannot remove: {expected}"}


def test_flow_only_transitions_are_not_offered(client, ana, acme):
    invited = MembershipFactory.create(tenant=acme, role=Role.SALES, status=MembershipStatus.INVITED)
    work_in(client, ana, acme)

    page = client.get(f"{MEMBERSHIPS}{invited.pk}/change/")
    forced = client.post(f"{MEMBERSHIPS}{invited.pk}/transition/activate/")

    assert page.context["transition_buttons"] == []
    assert forced.status_code == 404
    actions = client.get(MEMBERSHIPS).context["action_form"].fields["action"].choices
    assert {name for name, _label in actions if name.startswith("transition_")} == {
        "transition_suspend",
        "transition_reinstate",
        "transition_remove",
    }


def test_an_administrator_invites_from_the_admin_and_errors_stay_on_the_form(
    client, ana, acme, run_on_commit
):
    work_in(client, ana, acme)

    refused = client.post(f"{INVITATIONS}add/", {"email": "ana@example.com", "role": "sales"})
    with run_on_commit():
        created = client.post(
            f"{INVITATIONS}add/", {"email": "new@example.com", "role": "sales"}, follow=True
        )

    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "email": ["ana@example.com is already a member of this tenant."]
    }
    assert messages_of(created) == ["Invited new@example.com; the email is on its way."]
    with scope.tenant(acme):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by_id) == (
        "new@example.com",
        "sales",
        ana.pk,
    )
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


def test_invitations_are_revoked_with_a_reason_and_sent_again_from_their_page(
    client, ana, acme, run_on_commit
):
    work_in(client, ana, acme)
    client.post(f"{INVITATIONS}add/", {"email": "one@example.com", "role": "sales"}, follow=True)
    client.post(f"{INVITATIONS}add/", {"email": "two@example.com", "role": "sales"}, follow=True)
    with scope.tenant(acme):
        one, two = Invitation.objects.order_by("email")

    resent = client.post(f"{INVITATIONS}{two.pk}/resend/", follow=True)
    revoked = client.post(f"{INVITATIONS}{one.pk}/transition/revoke/", {"reason": "typo"}, follow=True)

    assert messages_of(resent) == ["Sent the invitation to two@example.com again, with a new link."]
    assert messages_of(revoked) == ["Revoked “Invitation of one@example.com”."]
    with scope.tenant(acme):
        assert Invitation.objects.get(pk=one.pk).status == InvitationStatus.REVOKED
        assert Invitation.objects.get(pk=two.pk).sent_count == 2
    assert not User.objects.filter(email="one@example.com").exists()


def test_only_administrators_manage_invitations_and_managers_read_them(client, acme):
    manager = MembershipFactory.create(tenant=acme, role=Role.MANAGER).user
    clerk = MembershipFactory.create(tenant=acme, role=Role.SALES).user

    work_in(client, manager, acme)
    assert client.get(INVITATIONS).status_code == 200
    assert client.get(f"{INVITATIONS}add/").status_code == 403
    client.logout()
    work_in(client, clerk, acme)
    assert client.get(INVITATIONS).status_code == 403


def test_registrations_are_read_only_with_their_history(client, ana, acme, django_assert_max_num_queries):
    sign_up(SignUp(tenant="acme", email="new@example.com", password="correct horse battery staple"))
    work_in(client, ana, acme)
    with scope.tenant(acme):
        registration = Registration.objects.get()

    page = client.get(f"{REGISTRATIONS}{registration.pk}/change/")

    assert page.status_code == 200
    assert page.context["transition_buttons"] == []
    assert client.get(f"{REGISTRATIONS}add/").status_code == 403
    with django_assert_max_num_queries(25) as few:
        client.get(REGISTRATIONS)
    budget = len(few.captured_queries)
    for number in range(10):
        sign_up(
            SignUp(tenant="acme", email=f"p{number}@example.com", password="correct horse battery staple")
        )
    with django_assert_max_num_queries(budget):
        response = client.get(REGISTRATIONS)
    assert len(response.context["cl"].result_list) == 11


def test_the_people_and_invitation_lists_cost_the_same_queries_for_any_number_of_rows(
    client, operator, ana, acme, django_assert_max_num_queries
):
    work_in(client, operator)
    with django_assert_max_num_queries(25) as few:
        client.get(USERS)
    people_budget = len(few.captured_queries)
    UserFactory.create_batch(12)
    with django_assert_max_num_queries(people_budget):
        client.get(USERS)

    client.logout()
    work_in(client, ana, acme)
    client.post(f"{INVITATIONS}add/", {"email": "first@example.com", "role": "sales"})
    with django_assert_max_num_queries(25) as few:
        client.get(INVITATIONS)
    budget = len(few.captured_queries)
    for number in range(10):
        client.post(f"{INVITATIONS}add/", {"email": f"p{number}@example.com", "role": "viewer"})
    with django_assert_max_num_queries(budget):
        response = client.get(INVITATIONS)
    assert len(response.context["cl"].result_list) == 11


def test_a_suspended_tenants_members_are_refused_in_the_admin(client, dormant):
    member = MembershipFactory.create(tenant=dormant, role=Role.ADMIN).user
    work_in(client, member, dormant)

    response = client.get(MEMBERSHIPS)

    assert response.status_code == 403
    assert SELECTED_TENANT_SESSION_KEY not in client.session
