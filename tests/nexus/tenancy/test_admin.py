"""Admin screens for tenants (operators) and memberships (per tenant: view and change role)."""

import pytest
from django.utils import timezone

from nexus.accounts.stepup import SESSION_KEY as MFA_VERIFIED_SESSION_KEY
from nexus.core import scope
from nexus.core.admin.step_up import KEPT_MESSAGE
from nexus.core.models import AuditEvent
from nexus.core.stepup import step_up_url
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Membership, Role, Tenant, TenantStatus
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

TENANTS = "/admin/tenancy/tenant/"
MEMBERSHIPS = "/admin/tenancy/membership/"


def work_in(client, user, tenant=None):
    client.force_login(user)
    if tenant is not None:
        session = client.session
        session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
        session.save()


def stepped_up(client):
    """A role change needs a recent second factor (step-up): as if a code was just proved."""
    session = client.session
    session[MFA_VERIFIED_SESSION_KEY] = timezone.now().isoformat()
    session.save()


def test_operators_list_tenants_with_their_active_members(client, operator, ana, acme):
    work_in(client, operator)

    response = client.get(TENANTS)

    assert response.status_code == 200
    rows = {t.slug: t._active_members for t in response.context["cl"].result_list}
    assert rows == {"acme": 1, "dormant": 1, "globex": 1}


def test_tenant_staff_never_see_the_tenant_list(client, ana, acme):
    work_in(client, ana, acme)

    assert client.get(TENANTS).status_code == 403
    assert b"/admin/tenancy/tenant/" not in client.get("/admin/").content


def test_an_operator_creates_a_tenant_and_a_bad_currency_is_refused(client, operator):
    work_in(client, operator)

    bad = client.post(
        f"{TENANTS}add/",
        {
            "name": "Initech",
            "slug": "initech",
            "default_currency": "eur",
            "time_zone": "Mars/Base",
            "policies": "{}",
        },
    )
    assert bad.status_code == 200
    assert set(bad.context["adminform"].form.errors) == {"default_currency", "time_zone"}
    assert not Tenant.objects.filter(slug="initech").exists()

    good = client.post(
        f"{TENANTS}add/",
        {
            "name": "Initech",
            "slug": "initech",
            "default_currency": "EUR",
            "time_zone": "Europe/Berlin",
            "policies": "{}",
        },
    )
    assert good.status_code == 302
    assert Tenant.objects.get(slug="initech").default_currency == "EUR"


def test_operators_suspend_and_reactivate_tenants_with_an_audit_event(client, operator, acme):
    work_in(client, operator)

    client.post(TENANTS, {"action": "suspend_selected", "_selected_action": [acme.pk]})
    acme.refresh_from_db()
    assert acme.status == TenantStatus.SUSPENDED

    client.post(TENANTS, {"action": "reactivate_selected", "_selected_action": [acme.pk]})
    acme.refresh_from_db()
    assert acme.status == TenantStatus.ACTIVE
    with scope.system_context("test: read the tenant's audit events"):
        actions = list(
            AuditEvent.objects.filter(tenant=acme, action__startswith="tenancy.tenant_")
            .order_by("id")
            .values_list("action", "actor_id")
        )
    assert actions == [
        ("tenancy.tenant_suspended", str(operator.pk)),
        ("tenancy.tenant_reactivated", str(operator.pk)),
    ]


def test_suspending_an_already_suspended_tenant_reports_it_and_changes_nothing(client, operator, dormant):
    work_in(client, operator)

    response = client.post(
        TENANTS, {"action": "suspend_selected", "_selected_action": [dormant.pk]}, follow=True
    )

    assert "The tenant Dormant is suspended." in [str(m) for m in response.context["messages"]]
    dormant.refresh_from_db()
    assert dormant.status == TenantStatus.SUSPENDED


def test_a_tenant_admin_sees_only_their_tenants_memberships(client, ana, acme, globex):
    colleague = UserFactory.create(email="colleague@example.com")
    MembershipFactory.create(user=colleague, tenant=acme, role=Role.SALES)
    MembershipFactory.create(user=UserFactory.create(email="stranger@example.com"), tenant=globex)
    work_in(client, ana, acme)

    response = client.get(MEMBERSHIPS)

    assert response.status_code == 200
    assert sorted(m.user.email for m in response.context["cl"].result_list) == [
        "ana@example.com",
        "colleague@example.com",
    ]


def test_an_operator_sees_every_tenants_memberships_and_filters_by_tenant(client, operator, ana, globex):
    work_in(client, operator)

    everything = client.get(MEMBERSHIPS)
    only_globex = client.get(MEMBERSHIPS, {"tenant__id__exact": globex.pk})

    with scope.system_context("tests: every tenant's memberships", record=False):
        every_membership = sorted(Membership.objects.values_list("pk", flat=True))
    assert len(every_membership) >= 3
    assert sorted(m.pk for m in everything.context["cl"].result_list) == every_membership
    assert [m.tenant.slug for m in only_globex.context["cl"].result_list] == ["globex"]


def test_memberships_are_searchable_by_email(client, ana, acme):
    MembershipFactory.create(user=UserFactory.create(email="bob@example.com"), tenant=acme, role=Role.SALES)
    work_in(client, ana, acme)

    response = client.get(MEMBERSHIPS, {"q": "bob@"})

    assert [m.user.email for m in response.context["cl"].result_list] == ["bob@example.com"]


def test_the_membership_list_costs_the_same_queries_for_any_number_of_rows(
    client, ana, acme, django_assert_max_num_queries
):
    work_in(client, ana, acme)
    with django_assert_max_num_queries(20) as few:
        client.get(MEMBERSHIPS)
    for n in range(15):
        MembershipFactory.create(
            tenant=acme, role=Role.SALES, user=UserFactory.create(email=f"m{n}@example.com")
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(MEMBERSHIPS)
    assert len(response.context["cl"].result_list) == 16


def test_a_tenant_admin_changes_a_role_with_an_audit_event(client, ana, acme):
    colleague = MembershipFactory.create(tenant=acme, role=Role.SALES)
    work_in(client, ana, acme)
    stepped_up(client)

    response = client.post(f"{MEMBERSHIPS}{colleague.pk}/change/", {"role": Role.MANAGER})

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Role.MANAGER
    with scope.tenant(acme):
        event = AuditEvent.objects.get(action="tenancy.member_role_changed")
    assert event.data == {"user_id": colleague.user_id, "from": "sales", "to": "manager"}
    assert event.actor_id == str(ana.pk)


def test_a_role_change_waits_through_the_step_up_prompt_on_the_form(client, ana, acme):
    colleague = MembershipFactory.create(tenant=acme, role=Role.SALES)
    work_in(client, ana, acme)
    url = f"{MEMBERSHIPS}{colleague.pk}/change/"

    response = client.post(url, {"role": Role.PURCHASER, "csrfmiddlewaretoken": "t"})

    assert response["Location"] == step_up_url(url)
    colleague.refresh_from_db()
    assert colleague.role == Role.SALES  # nothing saved before the prompt, nor replayed after it
    stepped_up(client)
    page = client.get(url)
    assert page.context["adminform"].form["role"].value() == Role.PURCHASER
    assert [str(m) for m in page.context["messages"]] == [KEPT_MESSAGE]
    colleague.refresh_from_db()
    assert colleague.role == Role.SALES
    assert client.get(url).context["adminform"].form["role"].value() == Role.SALES  # shown once
    assert client.post(url, {"role": Role.PURCHASER}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Role.PURCHASER


def test_the_last_administrator_cannot_be_demoted(client, ana, acme):
    own = Membership.objects.get(user=ana, tenant=acme)
    work_in(client, ana, acme)
    stepped_up(client)

    response = client.post(f"{MEMBERSHIPS}{own.pk}/change/", {"role": Role.VIEWER})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"] == [
        "Acme needs at least one active administrator; make someone else administrator first."
    ]
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_a_manager_may_view_but_not_change_memberships(client, acme):
    manager = UserFactory.create()
    membership = MembershipFactory.create(user=manager, tenant=acme, role=Role.MANAGER)
    work_in(client, manager, acme)

    assert client.get(MEMBERSHIPS).status_code == 200
    client.post(f"{MEMBERSHIPS}{membership.pk}/change/", {"role": Role.ADMIN})
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER


def test_another_tenants_membership_is_not_found(client, ana, acme, globex):
    foreign = MembershipFactory.create(tenant=globex, role=Role.SALES)
    work_in(client, ana, acme)

    response = client.get(f"{MEMBERSHIPS}{foreign.pk}/change/")

    assert response.status_code == 302  # the admin redirects "does not exist" to the index
    assert client.post(f"{MEMBERSHIPS}{foreign.pk}/change/", {"role": Role.ADMIN}).status_code == 302
    foreign.refresh_from_db()
    assert foreign.role == Role.SALES


def test_memberships_are_neither_added_nor_deleted_here(client, operator, ana, acme):
    work_in(client, operator)
    membership = Membership.objects.get(user=ana, tenant=acme)

    assert client.get(f"{MEMBERSHIPS}add/").status_code == 403
    assert client.post(f"{MEMBERSHIPS}{membership.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_tenants_are_never_deleted(client, operator, acme):
    work_in(client, operator)

    assert client.post(f"{TENANTS}{acme.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Tenant.objects.filter(pk=acme.pk).exists()


def test_the_tenant_list_costs_the_same_queries_for_any_number_of_tenants(
    client, operator, django_assert_max_num_queries
):
    work_in(client, operator)
    TenantFactory.create_batch(2)
    with django_assert_max_num_queries(20) as few:
        client.get(TENANTS)
    for tenant in TenantFactory.create_batch(15):
        MembershipFactory.create(tenant=tenant, role=Role.ADMIN)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(TENANTS)
    assert len(response.context["cl"].result_list) == 17
