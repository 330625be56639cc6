"""Transitions never act on values the person has not seen: "Save, then …", the version check."""

from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.admin.confirmation import THEN_TRANSITION
from nexus.core.models import TransitionLog
from tests.kernel_example.admin import GadgetAdmin
from tests.kernel_example.models import Gadget, GadgetStatus

from .test_admin import change_url, logged_in, messages_of, state_of, transition_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user, tenant):
    return logged_in(client, admin_user, tenant)


def saved(gadget: Gadget, **changes) -> dict:
    """The change form of a gadget as the browser posts it, with some fields changed."""
    return {"name": gadget.name, "kind": "", "quantity": str(gadget.quantity), **changes}


def test_save_then_transition_saves_the_form_and_opens_the_confirmation_with_the_saved_values(
    admin_client, gadget, tenant
):
    response = admin_client.post(
        change_url(gadget), saved(gadget, quantity="10", **{THEN_TRANSITION: "approve"})
    )

    assert response.status_code == 302
    assert response["Location"] == transition_url(gadget, "approve")
    with scope.tenant(tenant):
        assert Gadget.objects.get(pk=gadget.pk).quantity == Decimal("10.000")
        assert TransitionLog.objects.count() == 0  # saved, not approved: that waits for the confirmation
    assert state_of(tenant, gadget) == GadgetStatus.DRAFT

    confirmation = admin_client.get(response["Location"])
    assert ("Quantity", "10.000") in confirmation.context["summary"]
    assert 'value="Approve gadget"' in confirmation.content.decode()


def test_an_unknown_transition_after_a_save_is_an_ordinary_save(admin_client, gadget):
    response = admin_client.post(change_url(gadget), saved(gadget, **{THEN_TRANSITION: "explode"}))

    assert response.status_code == 302
    assert response["Location"] == "/admin/kernel_example/gadget/"


def test_the_change_page_offers_save_then_and_discard_while_edits_are_unsaved(admin_client, gadget):
    html = admin_client.get(change_url(gadget)).content.decode()

    assert 'id="nexus-unsaved-dialog"' in html
    assert "Discard my changes" in html
    assert 'data-transition="approve" data-transition-label="Approve"' in html
    assert "nexus/admin/unsaved_changes.js" in html


@pytest.fixture
def versioned(monkeypatch):
    """The quantity stands in for a version field (documents get one with the integrity work)."""
    monkeypatch.setattr(GadgetAdmin, "version_field", "quantity")


def test_the_forms_carry_the_rows_version(admin_client, gadget, versioned):
    page = admin_client.get(change_url(gadget)).content.decode()
    confirmation = admin_client.get(transition_url(gadget, "reject"))

    assert '<input type="hidden" name="version" value="5.000">' in page
    assert confirmation.context["form"]["version"].value() == "5.000"


def test_a_transition_refuses_a_row_changed_since_the_page_was_rendered(
    admin_client, gadget, tenant, versioned
):
    with scope.tenant(tenant):
        Gadget.objects.filter(pk=gadget.pk).update(quantity=Decimal("7"))

    response = admin_client.post(
        transition_url(gadget, "approve"), {"version": "5.000", "idempotency_key": "k1"}
    )

    assert response.status_code == 302
    assert response["Location"] == transition_url(gadget, "approve")
    assert messages_of(response) == [
        (
            "error",
            "This gadget changed since you opened it: nothing was done. "
            "Check its current values, then try again if it still applies.",
        )
    ]
    assert state_of(tenant, gadget) == GadgetStatus.DRAFT
    with scope.tenant(tenant):
        assert TransitionLog.objects.count() == 0

    current = admin_client.post(
        transition_url(gadget, "approve"), {"version": "7.000", "idempotency_key": "k2"}
    )
    assert messages_of(current)[-1] == ("success", "Approved “Widget”.")
    assert state_of(tenant, gadget) == GadgetStatus.APPROVED


def test_without_a_version_field_nothing_is_compared(admin_client, gadget, tenant):
    response = admin_client.post(transition_url(gadget, "approve"), {"version": "whatever"})

    assert messages_of(response) == [("success", "Approved “Widget”.")]
    assert state_of(tenant, gadget) == GadgetStatus.APPROVED


def test_the_confirmation_buttons_say_what_they_do(admin_client, gadget):
    html = admin_client.get(transition_url(gadget, "reject")).content.decode()

    assert 'value="Reject gadget"' in html
    assert ">Go back</a>" in html
    assert ">Cancel</a>" not in html
