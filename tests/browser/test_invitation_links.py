"""An invitation accepted end to end in Chromium: invited in the admin, the emailed link opened,
a password chosen (a refused one first), and the new member signs in (the user guide's screenshots
of inviting and accepting)."""

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from identity_ops.models import Invitation, InvitationStatus
from nexus.accounts.models import User, UserStatus
from nexus.core import scope
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

from .conftest import guide_screenshot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def emailed_link(recipient: str) -> str:
    """The path and query of the link in the last email to ``recipient``."""
    (body,) = [str(m.body) for m in mail.outbox if recipient in m.to][-1:]
    url = urlsplit(next(word for word in body.split() if word.startswith("http")))
    return f"{url.path}?{url.query}"


def test_accepting_an_invitation_from_its_email(screen, live_server, currency: Any):
    acme = TenantFactory.create(slug="acme", name="Acme Trading")
    ana = UserFactory.create(email="ana@acme.example", full_name="Ana Ops")
    MembershipFactory.create(user=ana, tenant=acme, role=Role.ADMIN)
    sign_in(screen, live_server, ana, acme)

    screen.goto(f"{live_server.url}/admin/identity_ops/invitation/add/")
    screen.get_by_label("Email").fill("nina@example.com")
    screen.get_by_label("Full name").fill("Nina Novak")
    screen.get_by_label("Role").select_option(label="Sales clerk")
    guide_screenshot(screen, "invite-member")
    screen.get_by_role("button", name="Send the invitation").click()
    expect(screen.get_by_text("Invited nina@example.com; the email is on its way.")).to_be_visible()

    screen.context.clear_cookies()  # the invitee, in a browser of their own
    screen.goto(live_server.url + emailed_link("nina@example.com"))
    expect(screen.get_by_text("Accept the invitation")).to_be_visible()
    expect(screen.get_by_text("You are invited to join Acme Trading as Sales clerk")).to_be_visible()
    expect(screen.locator("#id_full_name")).to_have_value("Nina Novak")
    guide_screenshot(screen, "accept-invitation")
    screen.locator("#id_password").fill("short")
    screen.locator("#id_password_again").fill("short")
    screen.get_by_role("button", name="Choose the password and join").click()
    expect(screen.get_by_text("This password is too short.")).to_be_visible()
    with scope.tenant(acme):
        assert Invitation.objects.get().status == InvitationStatus.PENDING

    screen.locator("#id_password").fill(PASSWORD)
    screen.locator("#id_password_again").fill(PASSWORD)
    screen.get_by_role("button", name="Choose the password and join").click()
    expect(screen.get_by_text("You are now a member of Acme Trading.")).to_be_visible()
    nina = User.objects.get(email="nina@example.com")
    assert (nina.status, nina.full_name) == (UserStatus.ACTIVE, "Nina Novak")
    assert Membership.objects.get(user=nina, tenant=acme).status == MembershipStatus.ACTIVE

    screen.get_by_role("link", name="Sign in").click()
    screen.get_by_label("Email address").fill("nina@example.com")
    screen.get_by_label("Password").fill(PASSWORD)
    screen.get_by_role("button", name="Log in").click()
    expect(screen.get_by_role("heading", name="Waiting for you in Acme Trading")).to_be_visible()
