import json

import pytest
from django.core.management import call_command

from nexus.accounts.models import User
from nexus.core.audit.sealer import seal_lag
from nexus.demo.management.commands.load_demo import DEMO_ADMIN_EMAIL, DEMO_TENANT_SLUG
from nexus.tenancy.models import Membership, MembershipStatus, Role, Tenant, TenantStatus

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def run(capsys) -> str:
    call_command("load_demo")
    return capsys.readouterr().out


def test_creates_a_platform_operator_and_prints_working_credentials(capsys, var_dir):
    out = run(capsys)

    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    stored = json.loads((var_dir / "demo-credentials.json").read_text())
    assert admin.is_platform_operator
    assert admin.is_active
    assert f"Email:    {DEMO_ADMIN_EMAIL}" in out
    assert f"Password: {stored['password']}" in out
    assert admin.check_password(stored["password"])


def test_running_twice_creates_nothing_twice_and_keeps_the_password(capsys, var_dir):
    first = run(capsys)
    second = run(capsys)

    assert User.objects.count() == 1
    assert "Reusing the demo admin" in second
    password = json.loads((var_dir / "demo-credentials.json").read_text())["password"]
    assert f"Password: {password}" in first
    assert f"Password: {password}" in second


def test_an_admin_whose_password_was_lost_gets_a_new_one_not_a_second_account(capsys, var_dir):
    run(capsys)
    (var_dir / "demo-credentials.json").unlink()

    out = run(capsys)

    assert User.objects.count() == 1
    assert "Reset the password" in out
    password = json.loads((var_dir / "demo-credentials.json").read_text())["password"]
    assert User.objects.get().check_password(password)


def test_the_demo_admin_is_an_operator_and_admin_of_the_demo_tenant(capsys):
    out = run(capsys)

    tenant = Tenant.objects.get(slug=DEMO_TENANT_SLUG)
    membership = Membership.objects.get()
    assert (tenant.name, tenant.status) == ("Demo Trading Co", TenantStatus.ACTIVE)
    assert (membership.user.email, membership.tenant, membership.role, membership.status) == (
        DEMO_ADMIN_EMAIL,
        tenant,
        Role.ADMIN,
        MembershipStatus.ACTIVE,
    )
    assert "Tenant:   Demo Trading Co (X-Tenant: demo)" in out


def test_running_twice_creates_one_tenant_and_one_membership(capsys):
    run(capsys)
    run(capsys)

    assert Tenant.objects.count() == 1
    assert Membership.objects.count() == 1


def test_an_existing_account_becomes_operator_and_admin_again(capsys):
    run(capsys)
    User.objects.update(is_platform_operator=False)
    Membership.objects.update(role=Role.VIEWER)

    run(capsys)

    assert User.objects.get().is_platform_operator
    assert Membership.objects.get().role == Role.ADMIN


def test_the_printed_credentials_open_the_admin_in_the_demo_tenant(client, capsys, var_dir):
    run(capsys)
    stored = json.loads((var_dir / "demo-credentials.json").read_text())

    response = client.post(
        "/admin/login/?next=/admin/", {"username": stored["email"], "password": stored["password"]}
    )

    assert response.status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b"Demo Trading Co (Tenant administrator)" in page.content


def test_the_demo_leaves_every_audit_chain_sealed_and_intact(capsys):
    out = run(capsys)

    assert "Sealed " in out
    assert seal_lag().unsealed == 0
    call_command("verify_audit_chain")
    assert "intact" in capsys.readouterr().out
