"""GET/PATCH /api/v1/tenant/: administrators read and change policies; security ones after a step-up."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from nexus.core import scope
from nexus.core.models import AuditEvent
from nexus.tenancy.models import Role, Tenant
from tests.factories.people import MembershipFactory
from tests.identity_ops.conftest import token_api

pytestmark = pytest.mark.django_db

URL = "/api/v1/tenant/"
UNSET = {
    "self_signup": None,
    "over_receipt_tolerance_percent": None,
    "mfa_required_roles": None,
    "mfa_grace_days": None,
    "session_lifetime_minutes": None,
    "refresh_grace_seconds": None,
    "step_up_minutes": None,
}


def policies(tenant: Tenant) -> dict:
    tenant.refresh_from_db()
    return tenant.policies


def changes(tenant: Tenant) -> list[dict]:
    with scope.tenant(tenant):
        return [
            e.data["changes"]
            for e in AuditEvent.objects.filter(action="tenancy.policies_changed").order_by("id")
        ]


def test_an_administrator_reads_and_changes_ordinary_policies_without_a_step_up(acme, ana):
    acme.policies = {"mfa_required_roles": "all", "unrelated": 1}
    acme.save()
    client = token_api(ana, acme)

    read = client.get(URL)
    changed = client.patch(URL, {"self_signup": True, "over_receipt_tolerance_percent": "2.5"}, format="json")

    assert read.json() == {**UNSET, "mfa_required_roles": ["all"]}
    assert changed.status_code == 200, changed.json()
    assert changed.json() == {
        **UNSET,
        "mfa_required_roles": ["all"],
        "self_signup": True,
        "over_receipt_tolerance_percent": "2.50",
    }
    assert policies(acme) == {
        "mfa_required_roles": "all",
        "unrelated": 1,
        "self_signup": True,
        "over_receipt_tolerance_percent": "2.50",
    }
    assert changes(acme) == [{"over_receipt_tolerance_percent": [None, "2.50"], "self_signup": [None, True]}]


def test_security_policies_need_a_step_up_and_null_restores_the_default(acme, ana):
    acme.policies = {"refresh_grace_seconds": 10}
    acme.save()

    refused = token_api(ana, acme).patch(
        URL, {"refresh_grace_seconds": 0, "self_signup": True}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "mfa_required")
    assert policies(acme) == {"refresh_grace_seconds": 10}

    client = token_api(ana, acme, stepped_up=True)
    done = client.patch(
        URL,
        {"refresh_grace_seconds": None, "mfa_grace_days": 3, "session_lifetime_minutes": 60},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert policies(acme) == {"mfa_grace_days": 3, "session_lifetime_minutes": 60}
    assert changes(acme) == [
        {
            "mfa_grace_days": [None, 3],
            "refresh_grace_seconds": [10, None],
            "session_lifetime_minutes": [None, 60],
        }
    ]


def test_bad_values_and_non_administrators_are_refused_and_change_nothing(acme, ana):
    manager = MembershipFactory.create(tenant=acme, role=Role.MANAGER).user
    client = token_api(ana, acme, stepped_up=True)

    bad = client.patch(URL, {"refresh_grace_seconds": -1, "mfa_required_roles": ["overlord"]}, format="json")
    forbidden = token_api(manager, acme, stepped_up=True).patch(URL, {"self_signup": True}, format="json")

    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"refresh_grace_seconds", "mfa_required_roles.0"}
    assert forbidden.status_code == 403
    assert token_api(manager, acme).get(URL).status_code == 403
    assert policies(acme) == {}
    assert changes(acme) == []


def test_the_tenant_endpoint_is_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/tenant/"])
    assert {"200", "400", "403"} <= set(schema["paths"]["/api/v1/tenant/"]["patch"]["responses"])
