"""Transitions in the admin, as a tenant administrator with a selected tenant would use them."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from nexus.core import scope
from nexus.core.models import TransitionLog
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.kernel_example import GadgetFactory
from tests.kernel_example.models import Gadget, GadgetNote, GadgetStatus

from .conftest import member

pytestmark = pytest.mark.django_db


def logged_in(client: Client, user, tenant) -> Client:
    client.force_login(user)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
    session.save()
    return client


@pytest.fixture
def admin_client(client, admin_user, tenant) -> Client:
    return logged_in(client, admin_user, tenant)


def change_url(gadget: Gadget) -> str:
    return reverse("admin:kernel_example_gadget_change", args=[gadget.pk])


def transition_url(gadget: Gadget, name: str) -> str:
    return reverse("admin:kernel_example_gadget_transition", args=[gadget.pk, name])


CHANGELIST = "/admin/kernel_example/gadget/"


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def state_of(tenant, gadget: Gadget) -> str:
    with scope.tenant(tenant):
        return Gadget.objects.get(pk=gadget.pk).status


@pytest.mark.smoke
def test_the_change_page_shows_the_available_transitions_and_a_read_only_state(admin_client, gadget):
    response = admin_client.get(change_url(gadget))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{transition_url(gadget, "approve")}"' in html
    assert f'action="{transition_url(gadget, "archive")}"' in html
    assert f'href="{transition_url(gadget, "reject")}"' in html  # asks for a reason first
    assert 'name="status"' not in html
    assert "No transitions yet." in html


def test_a_transition_whose_condition_fails_is_shown_disabled_with_the_reason(admin_client, empty_gadget):
    html = admin_client.get(change_url(empty_gadget)).content.decode()

    assert 'title="cannot approve: gadget has no quantity" aria-disabled="true">Approve</a>' in html
    assert f'action="{transition_url(empty_gadget, "approve")}"' not in html


@pytest.mark.smoke
def test_the_button_performs_the_transition_and_returns_to_the_change_page(
    admin_client, gadget, tenant, admin_user
):
    response = admin_client.post(transition_url(gadget, "approve"), {"idempotency_key": "click-1"})

    assert response.status_code == 302
    assert response["Location"] == change_url(gadget)
    assert messages_of(response) == [("success", "Approved “Widget”.")]
    assert state_of(tenant, gadget) == GadgetStatus.APPROVED
    with scope.tenant(tenant):
        log = TransitionLog.objects.get()
    assert (log.transition, log.actor_id, log.idempotency_key) == ("approve", str(admin_user.pk), "click-1")

    history = admin_client.get(change_url(gadget)).content.decode()
    assert "Transition history" in history
    assert "<td>approve</td>" in history


def test_a_double_submit_of_the_same_button_is_a_harmless_replay(admin_client, gadget, tenant):
    admin_client.post(transition_url(gadget, "approve"), {"idempotency_key": "click-1"})
    response = admin_client.post(transition_url(gadget, "approve"), {"idempotency_key": "click-1"})

    assert messages_of(response)[-1] == (
        "success",
        "Approve: this was already done for “Widget” (the same request twice).",
    )
    with scope.tenant(tenant):
        assert TransitionLog.objects.count() == 1


def test_a_refused_transition_becomes_an_error_message_and_changes_nothing(
    admin_client, empty_gadget, tenant
):
    response = admin_client.post(transition_url(empty_gadget, "approve"))

    assert response.status_code == 302
    assert messages_of(response) == [("error", "cannot approve: gadget has no quantity")]
    assert state_of(tenant, empty_gadget) == GadgetStatus.DRAFT
    with scope.tenant(tenant):
        assert TransitionLog.objects.count() == 0


def test_a_transition_wanting_a_reason_asks_for_it_on_its_own_page(admin_client, gadget, tenant):
    page = admin_client.get(transition_url(gadget, "reject"))
    assert page.status_code == 200
    assert '<textarea name="reason"' in page.content.decode()
    assert "Required: say why you reject this." in page.content.decode()

    missing = admin_client.post(transition_url(gadget, "reject"), {"reason": "  "})
    assert missing.status_code == 200
    assert "A reason is required to reject." in missing.content.decode()
    assert state_of(tenant, gadget) == GadgetStatus.DRAFT

    done = admin_client.post(transition_url(gadget, "reject"), {"reason": "wrong colour"})
    assert done.status_code == 302
    assert messages_of(done) == [("success", "Rejected “Widget”.")]
    with scope.tenant(tenant):
        assert TransitionLog.objects.get().reason == "wrong colour"
        assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.REJECTED


def test_the_transitions_declared_writes_run_from_the_admin(admin_client, gadget, tenant):
    response = admin_client.post(transition_url(gadget, "archive"), {"reason": "end of line"})

    assert messages_of(response) == [("success", "Archived “Widget”.")]
    with scope.tenant(tenant):
        note = GadgetNote.objects.get()
        assert (note.gadget_id, note.text) == (gadget.pk, "end of line")
        assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.ARCHIVED


def test_a_person_without_the_transitions_permission_gets_a_message_and_nothing_changes(
    client, clerk, gadget, tenant
):
    logged_in(client, clerk, tenant)

    page = client.get(change_url(gadget)).content.decode()
    assert f'action="{transition_url(gadget, "approve")}"' not in page
    assert f'action="{transition_url(gadget, "archive")}"' in page

    response = client.post(transition_url(gadget, "approve"))
    assert messages_of(response) == [("error", "You are not allowed to approve this gadget.")]
    assert state_of(tenant, gadget) == GadgetStatus.DRAFT


def test_a_person_who_cannot_change_the_model_is_forbidden(client, tenant, gadget):
    manager = member(tenant, Role.MANAGER, "manager@acme.example")
    viewer_like = member(tenant, Role.ACCOUNTANT, "accountant@acme.example")  # staff, no gadget rights
    logged_in(client, viewer_like, tenant)

    assert client.post(transition_url(gadget, "archive")).status_code == 403
    assert state_of(tenant, gadget) == GadgetStatus.DRAFT
    logged_in(client, manager, tenant)
    assert client.post(transition_url(gadget, "archive")).status_code == 302


def test_the_transition_view_is_csrf_protected(admin_user, tenant, gadget):
    client = logged_in(Client(enforce_csrf_checks=True), admin_user, tenant)

    assert client.post(transition_url(gadget, "approve")).status_code == 403
    assert state_of(tenant, gadget) == GadgetStatus.DRAFT


def test_an_unknown_transition_or_another_tenants_object_is_not_found(admin_client, gadget, other_tenant):
    assert admin_client.post(transition_url(gadget, "aprove")).status_code == 404
    with scope.tenant(other_tenant):
        theirs = GadgetFactory.create(quantity=Decimal("1"))

    response = admin_client.post(transition_url(theirs, "approve"))

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert state_of(other_tenant, theirs) == GadgetStatus.DRAFT


@pytest.mark.smoke
def test_a_change_list_action_runs_each_object_on_its_own_and_summarises(admin_client, tenant, in_tenant):
    ready = GadgetFactory.create_batch(3, quantity=Decimal("1"))
    empty = GadgetFactory.create_batch(2, quantity=Decimal("0"))
    selected = [g.pk for g in [*ready, *empty]]

    response = admin_client.post(
        CHANGELIST, {"action": "transition_approve", "_selected_action": selected, "index": 0}
    )

    assert response.status_code == 302
    failed = "; ".join(f"#{g.pk} cannot approve: gadget has no quantity" for g in empty)
    assert messages_of(response) == [("warning", f"Approved 3; 2 failed: {failed}")]
    with scope.tenant(tenant):
        statuses = dict(Gadget.objects.filter(pk__in=selected).values_list("pk", "status"))
        assert TransitionLog.objects.count() == 3
    assert statuses == {**{g.pk: "approved" for g in ready}, **{g.pk: "draft" for g in empty}}


def test_a_change_list_action_wanting_a_reason_asks_for_it_first(admin_client, tenant, in_tenant):
    gadgets = GadgetFactory.create_batch(2, quantity=Decimal("1"))
    selected = [g.pk for g in gadgets]

    page = admin_client.post(
        CHANGELIST, {"action": "transition_reject", "_selected_action": selected, "index": 0}
    )
    assert page.status_code == 200
    assert '<textarea name="reason"' in page.content.decode()
    with scope.tenant(tenant):
        assert TransitionLog.objects.count() == 0

    form = {
        "action": "transition_reject",
        "_selected_action": selected,
        "post": "yes",
        "idempotency_key": "k",
    }
    missing = admin_client.post(CHANGELIST, {**form, "reason": ""})
    assert missing.status_code == 200
    assert "A reason is required to reject." in missing.content.decode()

    done = admin_client.post(CHANGELIST, {**form, "reason": "discontinued"})
    assert done.status_code == 302
    assert messages_of(done) == [("success", "Rejected 2")]
    admin_client.get(CHANGELIST)  # shows, and so consumes, the message
    again = admin_client.post(CHANGELIST, {**form, "reason": "discontinued"})
    assert messages_of(again) == [("success", "Rejected 2")]  # the same page twice: replayed
    with scope.tenant(tenant):
        assert sorted(TransitionLog.objects.values_list("reason", "idempotency_key")) == [
            ("discontinued", f"k:{g.pk}") for g in gadgets
        ]


def test_the_transition_log_lists_filters_and_searches_read_only(
    admin_client, tenant, admin_user, in_tenant, django_assert_max_num_queries
):
    from nexus.core.transitions import perform_transition

    gadgets = GadgetFactory.create_batch(4, quantity=Decimal("1"))
    for gadget in gadgets:
        perform_transition(gadget, "approve", actor=admin_user)
    perform_transition(gadgets[0], "archive", actor=admin_user, reason="sold out")
    url = reverse("admin:core_transitionlog_changelist")

    with django_assert_max_num_queries(20):
        listing = admin_client.get(url)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 5
    object_types = next(f for f in listing.context["cl"].filter_specs if f.parameter_name == "object_type")
    assert object_types.lookup_choices == [("kernel_example.gadget", "Gadget (Kernel_Example)")]
    assert 'href="?object_type=kernel_example.gadget"' in listing.content.decode()

    archived = admin_client.get(url, {"transition": "archive"})
    assert [log.object_id for log in archived.context["cl"].result_list] == [str(gadgets[0].pk)]
    by_object = admin_client.get(url, {"q": str(gadgets[1].pk)})
    assert [log.transition for log in by_object.context["cl"].result_list] == ["approve"]
    by_type = admin_client.get(url, {"object_type": "kernel_example.gadget"})
    assert by_type.context["cl"].result_count == 5
    by_actor = admin_client.get(url, {"actor": f"user:{admin_user.pk}"})
    assert by_actor.context["cl"].result_count == 5

    with scope.tenant(tenant):
        log = TransitionLog.objects.first()
    assert log is not None
    detail = admin_client.get(reverse("admin:core_transitionlog_change", args=[log.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get(reverse("admin:core_transitionlog_add")).status_code == 403


def test_the_change_lists_cost_the_same_queries_for_any_page_size(
    admin_client, admin_user, tenant, in_tenant
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nexus.core.transitions import perform_transition

    def queries_for(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured.captured_queries)

    logs = reverse("admin:core_transitionlog_changelist")

    def approved_gadgets(count: int) -> None:
        with scope.tenant(tenant):
            for gadget in GadgetFactory.create_batch(count, quantity=Decimal("1")):
                perform_transition(gadget, "approve", actor=admin_user)

    approved_gadgets(2)
    few = (queries_for(CHANGELIST), queries_for(logs))
    approved_gadgets(10)
    many = (queries_for(CHANGELIST), queries_for(logs))

    assert many == few
