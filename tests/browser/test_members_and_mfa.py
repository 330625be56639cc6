"""Members and second factors in Chromium: a member sets up an authenticator app from the user
menu, and an administrator changes a member's role (through the step-up prompt, which keeps the
chosen role on the form) and suspends them."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from identity_ops.models import MfaEnrolment, MfaEnrolmentStatus
from nexus.accounts.mfa import totp
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.nexus.accounts.conftest import current_code, enrol

from .conftest import guide_screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_member_sets_up_an_authenticator_app(screen, live_server, currency: Any):
    acme = TenantFactory.create(slug="acme", name="Acme Trading")
    nina = UserFactory.create(email="nina@acme.example", full_name="Nina Novak")
    MembershipFactory.create(user=nina, tenant=acme, role=Role.SALES)
    sign_in(screen, live_server, nina, acme)
    screen.goto(f"{live_server.url}/admin/")

    screen.get_by_text("nina@acme.example").click()
    screen.get_by_role("link", name="Two-factor authentication").click()
    expect(screen.get_by_text("You have no second factor yet.")).to_be_visible()
    screen.get_by_label("Name").fill("Phone")
    screen.get_by_role("button", name="Set up an authenticator app").click()
    expect(screen.get_by_text("Scan this code with your authenticator app")).to_be_visible()
    guide_screenshot(screen, "mfa-setup")
    secret = screen.locator("#content-main code").inner_text()
    screen.get_by_label("Code from the app").fill(totp.code_at(secret, timezone.now()))
    screen.get_by_role("button", name="Confirm").click()

    expect(screen.get_by_text("Your authenticator app is set up.")).to_be_visible()
    expect(screen.locator(".recovery-codes li")).to_have_count(10)
    enrolment = MfaEnrolment.objects.get(user_id=nina.pk)
    assert (enrolment.status, enrolment.label) == (MfaEnrolmentStatus.CONFIRMED, "Phone")


def test_an_administrator_changes_a_members_role_with_a_step_up_and_suspends_them(
    screen, live_server, currency: Any
):
    acme = TenantFactory.create(slug="acme", name="Acme Trading")
    ana = UserFactory.create(email="ana@acme.example", full_name="Ana Admin")
    MembershipFactory.create(user=ana, tenant=acme, role=Role.ADMIN)
    nina = MembershipFactory.create(
        tenant=acme, role=Role.SALES, user__email="nina@acme.example", user__full_name="Nina Novak"
    )
    MembershipFactory.create(
        tenant=acme, role=Role.WAREHOUSE_CLERK, user__email="wim@acme.example", user__full_name="Wim Weber"
    )
    secret = enrol(ana)
    sign_in(screen, live_server, ana, acme)
    screen.goto(f"{live_server.url}/admin/")

    screen.locator("#nav-sidebar").get_by_role("link", name="Members").click()
    expect(screen.locator("#result_list tbody tr")).to_have_count(3)
    guide_screenshot(screen, "members")
    screen.get_by_role("link", name="nina@acme.example", exact=True).click()
    guide_screenshot(screen, "member")
    screen.get_by_label("Role").select_option(label="Purchaser")
    screen.get_by_role("button", name="Save", exact=True).click()
    expect(screen.get_by_text("Confirm it is you")).to_be_visible()
    screen.get_by_label("Code").fill(current_code(secret))
    screen.get_by_role("button", name="Verify").click()
    expect(screen.get_by_text("is back on the form")).to_be_visible()
    expect(screen.get_by_label("Role")).to_have_value(Role.PURCHASER)  # kept through the prompt
    assert Membership.objects.get(pk=nina.pk).role == Role.SALES  # but saved only by Save
    screen.get_by_role("button", name="Save", exact=True).click()
    expect(screen.get_by_text("was changed successfully")).to_be_visible()
    assert Membership.objects.get(pk=nina.pk).role == Role.PURCHASER

    screen.get_by_role("link", name="nina@acme.example", exact=True).click()
    screen.get_by_role("link", name="Suspend…").click()
    screen.get_by_label("Reason").fill("On leave until March")
    screen.get_by_role("button", name="Suspend membership").click()

    expect(screen.get_by_text("Suspended “nina@acme.example in Acme Trading")).to_be_visible()
    assert Membership.objects.get(pk=nina.pk).status == MembershipStatus.SUSPENDED
