"""Role grants as data: what each role may do in its tenant, and platform operators everywhere."""

import pytest
from django.apps import apps

from nexus.tenancy import roles
from nexus.tenancy.models import Role
from nexus.tenancy.roles import (
    Grant,
    extend_role,
    platform_operator_permissions,
    role_permissions,
)


def test_a_viewer_may_only_view_tenant_data():
    granted = role_permissions(Role.VIEWER)

    assert "kernel_example.view_gadget" in granted
    assert "core.view_auditevent" in granted
    assert all(name.split(".", 1)[1].startswith("view_") for name in granted)


def test_an_admin_may_do_everything_with_tenant_data_and_edit_memberships():
    granted = role_permissions(Role.ADMIN)

    assert {
        "kernel_example.add_gadget",
        "kernel_example.change_gadget",
        "kernel_example.delete_gadget",
        "kernel_example.approve_gadget",
        "tenancy.view_membership",
        "tenancy.change_membership",
    } <= granted
    assert "tenancy.add_membership" not in granted


@pytest.mark.parametrize("role", Role.values)
def test_no_role_reaches_people_or_tenants(role):
    granted = role_permissions(role)

    assert not {name for name in granted if name.startswith("accounts.")}
    assert not {name for name in granted if name.startswith("tenancy.") and "membership" not in name}


def test_a_role_limited_to_one_app_gets_only_that_app():
    assert not {n for n in role_permissions(Role.PURCHASER) if n.startswith("kernel_example.")}


def test_platform_operators_hold_every_permission_on_people_tenants_and_memberships():
    # People and what belongs to them (accounts: users, their logins ...), tenants, memberships.
    models = [(m._meta.app_label, m._meta.model_name) for m in apps.get_app_config("accounts").get_models()]
    assert ("accounts", "user") in models
    assert platform_operator_permissions() == {
        f"{app}.{action}_{model}"
        for app, model in [*models, ("tenancy", "tenant"), ("tenancy", "membership")]
        for action in ("add", "change", "delete", "view")
    }


def test_an_app_extends_a_role_from_data(monkeypatch):
    monkeypatch.setattr(roles, "ROLE_GRANTS", {**roles.ROLE_GRANTS, Role.PURCHASER: [Grant("procurement")]})
    role_permissions.cache_clear()
    try:
        extend_role(
            Role.PURCHASER, Grant("kernel_example", frozenset({"view"}), models=frozenset({"gadget"}))
        )

        assert "kernel_example.view_gadget" in role_permissions(Role.PURCHASER)
        assert "kernel_example.view_gadgetkind" not in role_permissions(Role.PURCHASER)
    finally:
        monkeypatch.undo()
        role_permissions.cache_clear()
    assert "kernel_example.view_gadget" not in role_permissions(Role.PURCHASER)


def test_a_grant_naming_a_global_model_reaches_it_but_an_app_wide_grant_does_not():
    explicit = roles._permissions(
        [Grant("accounts", frozenset({"view"}), models=frozenset({"user"}))], tenant_data_only=True
    )
    app_wide = roles._permissions([Grant("accounts")], tenant_data_only=True)

    assert explicit == {"accounts.view_user"}
    assert app_wide == frozenset()
