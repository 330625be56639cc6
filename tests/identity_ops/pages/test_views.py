"""The pages emailed links open, followed from the emails with the test client.

Opening a link (GET) never uses it up; only the form's POST does. Answers and limits are the API's.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import resolve

from identity_ops.models import Invitation, InvitationStatus, Registration, RegistrationStatus
from identity_ops.pages import views
from identity_ops.workflows.invitations import invite
from identity_ops.workflows.registration import SignUp, sign_up
from nexus.accounts.models import User, UserStatus
from nexus.core import scope
from nexus.core.api import throttling
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.identity_ops.conftest import CLIENT_ADDRESS, body_from_outbox

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LINK = re.compile(r"https?://\S+")


def link_in_email(recipient: str, index: int = -1) -> str:
    """The path and query of the link in the ``index``-th email sent to ``recipient``."""
    body = body_from_outbox(recipient, index)
    found = LINK.search(body)
    assert found, body
    url = urlsplit(found.group(0))
    return f"{url.path}?{url.query}"


def key_of(link: str) -> str:
    return link.split("token=", 1)[1]


@pytest.fixture
def visitor() -> Client:
    return Client(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT="pages-tests/1.0")


@pytest.fixture
def invited_new(acme, ana, run_on_commit) -> str:
    """An invitation of a new address into Acme; the link in its email."""
    with scope.tenant(acme), run_on_commit():
        invite(email="nina@example.com", role=Role.SALES, actor=ana)
    return link_in_email("nina@example.com")


def invitation_status(acme) -> str:
    with scope.tenant(acme):
        return Invitation.objects.get().status


# Accepting an invitation -------------------------------------------------------------------------


def test_the_invitation_link_opens_a_page_that_uses_nothing_up(visitor, acme, invited_new):
    first = visitor.get(invited_new)
    second = visitor.get(invited_new)

    assert first.status_code == second.status_code == 200
    offer = first.context["offer"]
    assert (offer.tenant_name, offer.email, offer.role, offer.new_account) == (
        "Acme",
        "nina@example.com",
        "Sales clerk",
        True,
    )
    page = first.content.decode()
    assert "Choose the password and join" in page
    assert f'<input type="hidden" name="token" value="{key_of(invited_new)}"' in page
    assert "no-store" in first["Cache-Control"]
    assert first["Referrer-Policy"] == "same-origin"
    assert invitation_status(acme) == InvitationStatus.PENDING
    assert User.objects.get(email="nina@example.com").status == UserStatus.PENDING_VERIFICATION


@pytest.mark.smoke
def test_a_new_account_chooses_its_password_and_joins(visitor, acme, invited_new, run_on_commit):
    key = key_of(invited_new)

    with run_on_commit():
        answer = visitor.post(
            invited_new,
            {"token": key, "full_name": "Nina Novak", "password": PASSWORD, "password_again": PASSWORD},
        )

    assert answer.status_code == 200
    assert "You are now a member of Acme." in answer.content.decode()
    nina = User.objects.get(email="nina@example.com")
    assert (nina.status, nina.full_name, nina.check_password(PASSWORD)) == (
        UserStatus.ACTIVE,
        "Nina Novak",
        True,
    )
    assert Membership.objects.get(user=nina).status == MembershipStatus.ACTIVE
    assert invitation_status(acme) == InvitationStatus.ACCEPTED
    assert [m.subject for m in mail.outbox if "nina@example.com" in m.to][-1].startswith("Welcome")
    used = visitor.get(invited_new)
    assert used.status_code == 400
    assert "This invitation link is not valid" in used.content.decode()


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        (
            {"password": PASSWORD, "password_again": PASSWORD + "!"},
            "password_again",
            "The two passwords differ; type the same password twice.",
        ),
        ({"password": "abc", "password_again": "abc"}, "password", "This password is too short."),
        ({"password": "", "password_again": ""}, "password", "This field is required."),
        ({"password": "x" * 4097, "password_again": "x"}, "password", "at most 4096 characters"),
    ],
)
def test_a_refused_password_is_shown_on_its_field_and_leaves_the_link_usable(
    visitor, acme, invited_new, typed, field, message
):
    answer = visitor.post(invited_new, {"token": key_of(invited_new), **typed})

    assert answer.status_code == 400
    assert message in " ".join(answer.context["form"].errors[field])
    assert invitation_status(acme) == InvitationStatus.PENDING
    assert User.objects.get(email="nina@example.com").status == UserStatus.PENDING_VERIFICATION
    assert visitor.get(invited_new).status_code == 200


@pytest.mark.parametrize(
    "path", ["/accept-invitation/", "/accept-invitation/?token=", "/accept-invitation/?token=forged"]
)
def test_an_unusable_invitation_link_says_so(visitor, acme, path):
    answer = visitor.get(path)

    assert answer.status_code == 400
    assert answer.context["reasons"] == [
        "This invitation link is not valid: it was already used, revoked or replaced by a newer one."
    ]


def test_an_existing_account_joins_only_when_signed_in_as_itself(visitor, acme, ana, gus, run_on_commit):
    with scope.tenant(acme), run_on_commit():
        invite(email="gus@example.com", role=Role.MANAGER, actor=ana)
    link = link_in_email("gus@example.com")
    gus_membership = Membership.objects.get(user=gus, tenant=acme)

    anonymous = visitor.get(link)
    refused = visitor.post(link, {"token": key_of(link)})
    assert anonymous.status_code == refused.status_code == 200
    assert "Sign in to accept" in anonymous.content.decode()
    assert anonymous.context["sign_in_query"] == f"next=%2Faccept-invitation%2F%3Ftoken%3D{key_of(link)}"
    visitor.force_login(ana)
    someone_else = visitor.post(link, {"token": key_of(link)})
    assert "but this invitation is for gus@example.com" in someone_else.content.decode()
    gus_membership.refresh_from_db()
    assert gus_membership.status == MembershipStatus.INVITED

    visitor.force_login(gus)
    offered = visitor.get(link)
    assert "Join Acme" in offered.content.decode()
    with run_on_commit():
        joined = visitor.post(link, {"token": key_of(link)})

    assert joined.status_code == 200
    assert "You are now a member of Acme." in joined.content.decode()
    gus_membership.refresh_from_db()
    assert gus_membership.status == MembershipStatus.ACTIVE
    assert invitation_status(acme) == InvitationStatus.ACCEPTED


def test_signing_in_from_the_invitation_comes_back_to_it(visitor, acme, ana, gus, run_on_commit):
    with scope.tenant(acme), run_on_commit():
        invite(email="gus@example.com", role=Role.MANAGER, actor=ana)
    link = link_in_email("gus@example.com")
    sign_in_page = f"/admin/login/?{visitor.get(link).context['sign_in_query']}"

    signed_in = visitor.post(sign_in_page, {"username": "gus@example.com", "password": TEST_PASSWORD})

    assert (signed_in.status_code, signed_in["Location"]) == (302, link)
    assert "Join Acme" in visitor.get(link).content.decode()


def test_someone_without_a_staff_role_signs_in_for_the_invitation_only(
    visitor, acme, globex, ana, run_on_commit
):
    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=globex, role=Role.VIEWER)
    with scope.tenant(acme), run_on_commit():
        invite(email="bo@example.com", role=Role.SALES, actor=ana)
    link = link_in_email("bo@example.com")
    credentials = {"username": "bo@example.com", "password": TEST_PASSWORD}

    for_the_admin = visitor.post("/admin/login/?next=/admin/", credentials)
    for_elsewhere = visitor.post(
        "/admin/login/?next=https://elsewhere.example/accept-invitation/", credentials
    )
    for_the_invitation = visitor.post(
        f"/admin/login/?{visitor.get(link).context['sign_in_query']}", credentials
    )

    refusal = "This account has no staff role in an active tenant"
    assert refusal in for_the_admin.content.decode()
    assert refusal in for_elsewhere.content.decode()
    assert (for_the_invitation.status_code, for_the_invitation["Location"]) == (302, link)
    with run_on_commit():
        joined = visitor.post(link, {"token": key_of(link)})
    assert "You are now a member of Acme." in joined.content.decode()
    assert Membership.objects.get(user=bo, tenant=acme).status == MembershipStatus.ACTIVE


@pytest.mark.parametrize(
    "sent",
    [
        {"token": "x" * 5000, "password": "p", "password_again": "p"},
        {"token": ["a", "b"], "full_name": ["x"] * 3},
        {"token": "\x00", "password": "\x00"},
        {"full_name": "y" * 151},
        {},
    ],
)
def test_hostile_forms_change_nothing_and_never_fail(visitor, acme, invited_new, sent):
    key = key_of(invited_new)

    answers = [
        visitor.post(invited_new, sent),
        visitor.post("/accept-invitation/", sent),
        visitor.post("/verify-email/?token=" + key, sent),
        visitor.post("/reset-password/", sent),
        visitor.post("/reset-password/", {**sent, "email": ["a@example.com", "\x00"]}),
    ]

    assert all(a.status_code in (200, 400) for a in answers), [a.status_code for a in answers]
    assert invitation_status(acme) == InvitationStatus.PENDING
    assert User.objects.get(email="nina@example.com").status == UserStatus.PENDING_VERIFICATION
    assert [m.to for m in mail.outbox] == [["nina@example.com"]]  # the invitation only


def test_other_methods_are_refused(visitor):
    assert visitor.put("/accept-invitation/").status_code == 405
    assert visitor.delete("/reset-password/").status_code == 405


# Verifying an address ----------------------------------------------------------------------------


def test_the_verification_link_opens_a_page_and_only_its_button_verifies(visitor, acme, run_on_commit):
    with run_on_commit():
        sign_up(SignUp(tenant="acme", email="vera@example.com", password=PASSWORD))
    link = link_in_email("vera@example.com")

    opened = [visitor.get(link), visitor.get(link)]
    with scope.tenant(acme):
        still_pending = Registration.objects.get().status
    with run_on_commit():
        verified = visitor.post(link, {"token": key_of(link)})
    again = visitor.post(link, {"token": key_of(link)})

    assert [r.status_code for r in opened] == [200, 200]
    assert "Confirm that <strong" in opened[0].content.decode()
    assert "vera@example.com" in opened[0].content.decode()
    assert still_pending == RegistrationStatus.PENDING_VERIFICATION
    assert verified.status_code == 200
    assert "Your address is verified; you are now a member of Acme." in verified.content.decode()
    vera = User.objects.get(email="vera@example.com")
    assert vera.status == UserStatus.ACTIVE
    assert Membership.objects.get(user=vera).status == MembershipStatus.ACTIVE
    assert again.status_code == 400
    assert "This verification link is not valid" in again.content.decode()


# Choosing a new password -------------------------------------------------------------------------


def test_asking_for_a_reset_link_answers_the_same_for_every_address(visitor, ana, run_on_commit):
    with run_on_commit():
        known = visitor.post("/reset-password/", {"email": "ana@example.com"})
        unknown = visitor.post("/reset-password/", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 200
    assert known.context["detail"] == unknown.context["detail"] == views.RESET_ANSWER
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]


def test_the_reset_link_opens_a_form_and_only_its_post_changes_the_password(visitor, ana, run_on_commit):
    with run_on_commit():
        visitor.post("/reset-password/", {"email": "ana@example.com"})
    link = link_in_email("ana@example.com")

    opened = [visitor.get(link), visitor.get(link)]
    weak = visitor.post(link, {"token": key_of(link), "password": "ana", "password_again": "ana"})
    with run_on_commit():
        changed = visitor.post(
            link, {"token": key_of(link), "password": PASSWORD, "password_again": PASSWORD}
        )
    used = visitor.get(link)

    assert [r.status_code for r in opened] == [200, 200]
    assert "Change my password" in opened[0].content.decode()
    assert weak.status_code == 400
    assert weak.context["form"].errors["password"]
    assert changed.status_code == 200
    assert "Your password was changed" in changed.content.decode()
    ana.refresh_from_db()
    assert ana.check_password(PASSWORD)
    assert used.status_code == 400
    assert "Send me a new link" in used.content.decode()


def test_a_malformed_address_is_shown_on_the_field(visitor):
    answer = visitor.post("/reset-password/", {"email": "not an address"})

    assert answer.status_code == 400
    assert answer.context["ask_form"].errors == {"email": ["Enter a valid email address."]}
    assert mail.outbox == []


def test_reset_requests_for_one_address_are_limited_as_over_the_api(visitor, ana):
    for _ in range(5):
        assert visitor.post("/reset-password/", {"email": "ana@example.com"}).status_code == 200

    refused = visitor.post("/reset-password/", {"email": "ana@example.com"})

    assert refused.status_code == 429
    assert refused.context["ask_form"].non_field_errors() == [
        "Too many requests to reset the password; try again in up to 60 minutes."
    ]


def test_forms_sent_count_against_the_anonymous_rate_of_the_api(visitor, acme, ana, monkeypatch):
    monkeypatch.setitem(throttling.AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    visitor.force_login(ana)  # signed in or not, the address is counted

    answers = [visitor.post("/verify-email/", {"token": "forged"}) for _ in range(3)]

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert answers[2]["Retry-After"] == "60"
    assert answers[2].context["reasons"] == ["Too many requests; try again later."]


# Where the links point ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "view"),
    [
        ("accept_invitation", views.accept_invitation_page),
        ("verify_email", views.verify_email_page),
        ("reset_password", views.reset_password_page),
    ],
)
def test_the_default_links_open_these_pages(purpose, view):
    path = urlsplit(settings.IDENTITY_OPS_LINKS[purpose]).path

    assert resolve(path).func is view


def test_the_login_page_offers_a_reset_link(visitor):
    page = visitor.get("/admin/login/").content.decode()

    assert 'href="/reset-password/"' in page
