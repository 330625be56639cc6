"""Changing a member's role over the API needs a recent second factor (step-up)."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from nexus.accounts.client import ClientInfo
from nexus.accounts.login import Via
from nexus.accounts.login_flow import finish_login
from nexus.accounts.mfa.policy import login_policy
from nexus.accounts.models import Device
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_role_change_needs_a_recent_step_up():
    acme = TenantFactory.create(slug="acme")
    ana = UserFactory.create()
    MembershipFactory.create(user=ana, tenant=acme, role=Role.ADMIN)
    colleague = MembershipFactory.create(tenant=acme, role=Role.SALES)
    outcome = finish_login(None, ana, login_policy(ana), ClientInfo(), via=Via.TOKEN, mfa_used=True)
    assert outcome.token is not None
    assert outcome.device is not None
    client = APIClient(HTTP_AUTHORIZATION=f"Token {outcome.token.key}", HTTP_X_TENANT="acme")
    url = f"/api/v1/members/{colleague.pk}/change-role/"

    Device.objects.filter(pk=outcome.device.pk).update(
        mfa_verified_at=timezone.now() - dt.timedelta(minutes=15)
    )
    refused = client.post(url, {"role": Role.MANAGER}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_required"
    colleague.refresh_from_db()
    assert colleague.role == Role.SALES

    Device.objects.filter(pk=outcome.device.pk).update(mfa_verified_at=timezone.now())
    assert client.post(url, {"role": Role.MANAGER}, format="json").status_code == 200
    colleague.refresh_from_db()
    assert colleague.role == Role.MANAGER
