"""Service tokens are created from named scopes, and no token ever writes audit records."""

import pytest
from django.utils import timezone

from nexus.accounts.models import ServiceToken
from nexus.accounts.service_tokens import ServicePrincipal, create_service_token, offered_scopes
from nexus.accounts.stepup import SESSION_KEY
from nexus.accounts.token_scopes import SCOPES_BY_KEY, TOKEN_SCOPES, audit_writing_permissions
from nexus.core import scope
from nexus.core.errors import InvalidInput
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

AUDIT_WRITES = {
    "core.add_auditevent",
    "core.change_auditevent",
    "core.delete_auditevent",
    "core.add_transitionlog",
    "core.change_transitionlog",
    "core.delete_transitionlog",
}


def person(tenant, role: str):
    user = UserFactory.create()
    MembershipFactory.create(user=user, tenant=tenant, role=role)
    return user


def make(creator, tenant, scopes: list[str]) -> ServiceToken:
    with scope.tenant(tenant):
        return create_service_token(
            creator=creator, tenant_id=tenant.pk, name="Sync", scopes=scopes, expires_at=None
        ).token


def test_the_permissions_writing_audit_records_are_those_of_audit_events_and_transition_logs():
    assert audit_writing_permissions() == AUDIT_WRITES


def test_the_admin_form_offers_named_scopes_not_permissions(client, ana, acme):
    client.force_login(ana)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = acme.pk
    session[SESSION_KEY] = timezone.now().isoformat()
    session.save()

    field = client.get("/admin/accounts/servicetoken/add/").context["form"].fields["scopes"]

    assert [key for key, _label in field.choices] == [scope.key for scope in TOKEN_SCOPES]
    assert dict(field.choices)["stock:read"].startswith("Read stock: ")


def test_every_scope_an_administrator_can_choose_leaves_audit_records_alone(ana, acme):
    token = make(ana, acme, [scope.key for scope in offered_scopes(ana, acme.pk)])

    assert set(token.scopes) & AUDIT_WRITES == set()
    assert {"inventory.view_product", "sales.confirm_salesorder", "core.view_auditevent"} <= set(token.scopes)


@pytest.mark.parametrize("permission", sorted(AUDIT_WRITES))
def test_a_permission_writing_audit_records_is_refused_even_to_an_administrator(ana, acme, permission):
    with pytest.raises(InvalidInput) as refused:
        make(ana, acme, ["stock:read", permission])

    assert refused.value.fields == {
        "scopes": [f"{permission!r} changes audit records; no service token may hold it."]
    }
    assert not ServiceToken.objects.exists()


def test_a_token_holding_an_audit_writing_permission_from_before_cannot_use_it(ana, acme):
    token = make(ana, acme, ["audit:read"])
    ServiceToken.objects.filter(pk=token.pk).update(scopes=[*token.scopes, "core.delete_auditevent"])

    principal = ServicePrincipal(ServiceToken.objects.get(pk=token.pk))

    with scope.tenant(acme):
        assert principal.has_perm("core.view_auditevent")
        assert not principal.has_perm("core.delete_auditevent")


def test_a_scope_gives_only_what_the_creators_role_grants(acme):
    buyer = person(acme, Role.PURCHASER)

    token = make(buyer, acme, ["orders:write"])

    assert "procurement.send_purchaseorder" in token.scopes
    assert not any(name.startswith("sales.") for name in token.scopes)


def test_a_scope_giving_nothing_within_the_role_is_refused(acme):
    buyer = person(acme, Role.PURCHASER)

    with pytest.raises(InvalidInput) as refused:
        make(buyer, acme, ["receivables:write"])

    assert refused.value.fields == {
        "scopes": ["'receivables:write' (Write credit notes) gives nothing your role grants in this tenant."]
    }
    assert "receivables:write" not in [scope.key for scope in offered_scopes(buyer, acme.pk)]


def test_read_scopes_only_view():
    for key in ("stock:read", "orders:read", "receivables:read", "supply-chain:read", "audit:read"):
        assert all(".view_" in name for name in SCOPES_BY_KEY[key].permissions), key
