"""``create_tenant`` and ``add_member``: what operators type, and clear errors for bad input."""

import re

import pytest
from django.core.management import CommandError, call_command

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models import AuditEvent
from nexus.tenancy.models import Membership, MembershipStatus, Role, Tenant, TenantStatus
from tests.factories.people import TEST_PASSWORD, MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args, **options):
    call_command(*args, **options)


def test_create_tenant(capsys):
    run("create_tenant", "Acme Trading", "acme", "--currency", "EUR", "--time-zone", "Europe/Berlin")

    tenant = Tenant.objects.get(slug="acme")
    assert (tenant.name, tenant.default_currency, tenant.time_zone, tenant.status) == (
        "Acme Trading",
        "EUR",
        "Europe/Berlin",
        TenantStatus.ACTIVE,
    )
    assert "Created tenant Acme Trading (slug acme, EUR, Europe/Berlin)." in capsys.readouterr().out
    with scope.tenant(tenant):
        assert AuditEvent.objects.get().action == "tenancy.tenant_created"


@pytest.mark.smoke
def test_create_tenant_defaults_to_usd_and_utc():
    run("create_tenant", "Globex", "globex")

    tenant = Tenant.objects.get(slug="globex")
    assert (tenant.default_currency, tenant.time_zone) == ("USD", "UTC")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Acme", "not a slug"], "slug: Enter a valid “slug”"),
        (
            ["Acme", "acme", "--currency", "euro"],
            "default_currency: Use a three-letter ISO 4217 currency code",
        ),
        (
            ["Acme", "acme", "--time-zone", "Mars/Olympus"],
            "time_zone: 'Mars/Olympus' is not a known time zone",
        ),
        (["  ", "acme"], "name: This field cannot be blank."),
    ],
)
def test_create_tenant_refuses_bad_input_and_creates_nothing(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("create_tenant", *args)
    assert not Tenant.objects.exists()


def test_create_tenant_refuses_a_taken_slug():
    TenantFactory.create(slug="acme", name="First")

    with pytest.raises(CommandError, match=re.escape("slug: Tenant with this Slug already exists.")):
        run("create_tenant", "Second", "acme")
    assert Tenant.objects.get().name == "First"


def test_add_member_creates_the_account_with_a_one_time_password(capsys):
    acme = TenantFactory.create(slug="acme", name="Acme")

    run("add_member", "New.Person@Example.com", "acme", "purchaser", "--full-name", "New Person")

    out = capsys.readouterr().out
    shown = re.search(r"One-time password \(shown only now; ask them to change it\): (\S+)", out)
    assert shown is not None
    password = shown.group(1)
    user = User.objects.get(email__iexact="new.person@example.com")
    assert user.check_password(password)
    assert user.is_active
    assert user.full_name == "New Person"
    membership = Membership.objects.get(user=user, tenant=acme)
    assert (membership.role, membership.status) == (Role.PURCHASER, MembershipStatus.ACTIVE)
    assert "is now Purchaser in Acme." in out


def test_add_member_with_a_chosen_password():
    TenantFactory.create(slug="acme")

    run("add_member", "ana@example.com", "acme", "admin", "--password", "correct-horse-battery-9")

    assert User.objects.get(email="ana@example.com").check_password("correct-horse-battery-9")


def test_add_member_refuses_a_weak_password_and_creates_nothing():
    TenantFactory.create(slug="acme")

    with pytest.raises(CommandError, match="password: This password is too short"):
        run("add_member", "ana@example.com", "acme", "admin", "--password", "short")
    assert not User.objects.exists()
    assert not Membership.objects.exists()


def test_add_member_gives_an_existing_person_a_membership_and_keeps_their_password(capsys):
    TenantFactory.create(slug="acme", name="Acme")
    ana = UserFactory.create(email="ana@example.com")

    run("add_member", "ANA@example.com", "acme", "sales", "--password", "another-password-1")

    captured = capsys.readouterr()
    assert "already exists; its password was not changed" in captured.err
    assert "One-time password" not in captured.out
    ana.refresh_from_db()
    assert ana.check_password(TEST_PASSWORD)
    assert Membership.objects.get(user=ana).role == Role.SALES


def test_add_member_changes_the_role_of_an_active_membership(capsys):
    acme = TenantFactory.create(slug="acme", name="Acme")
    membership = MembershipFactory.create(tenant=acme, role=Role.SALES)
    MembershipFactory.create(tenant=acme, role=Role.ADMIN)

    run("add_member", membership.user.email, "acme", "manager")

    membership.refresh_from_db()
    assert membership.role == Role.MANAGER
    assert "is now Operations manager in Acme (was Sales clerk)." in capsys.readouterr().out


def test_add_member_again_with_the_same_role_changes_nothing(capsys):
    acme = TenantFactory.create(slug="acme", name="Acme")
    membership = MembershipFactory.create(tenant=acme, role=Role.SALES)

    run("add_member", membership.user.email, "acme", "sales")

    assert "is already Sales clerk in Acme; nothing changed." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ana@example.com", "nowhere", "admin"], "tenant: No tenant has the slug 'nowhere'."),
        (["ana@example.com", "acme", "overlord"], "role: Unknown role 'overlord'; choose one of: admin,"),
        (["not-an-email", "acme", "admin"], "email: Enter a valid email address."),
        (
            ["ana@example.com", "frozen", "admin"],
            "tenant: The tenant Frozen is suspended; reactivate it first.",
        ),
    ],
)
def test_add_member_refuses_bad_input_and_creates_nothing(args, message):
    TenantFactory.create(slug="acme")
    TenantFactory.create(slug="frozen", name="Frozen", status=TenantStatus.SUSPENDED)

    with pytest.raises(CommandError, match=re.escape(message)):
        run("add_member", *args)
    assert not User.objects.exists()
    assert not Membership.objects.exists()


def test_add_member_leaves_a_suspended_membership_to_its_lifecycle():
    acme = TenantFactory.create(slug="acme", name="Acme")
    membership = MembershipFactory.create(tenant=acme, role=Role.SALES, status=MembershipStatus.SUSPENDED)

    with pytest.raises(CommandError, match="already has a suspended membership in Acme"):
        run("add_member", membership.user.email, "acme", "admin")
    membership.refresh_from_db()
    assert (membership.role, membership.status) == (Role.SALES, MembershipStatus.SUSPENDED)


def test_add_member_never_demotes_the_last_administrator():
    acme = TenantFactory.create(slug="acme", name="Acme")
    only_admin = MembershipFactory.create(tenant=acme, role=Role.ADMIN)

    with pytest.raises(CommandError, match="Acme needs at least one active administrator"):
        run("add_member", only_admin.user.email, "acme", "viewer")
    only_admin.refresh_from_db()
    assert only_admin.role == Role.ADMIN
