"""A change page on which nothing can be changed offers no save buttons; its transitions still run."""

import pytest
from django.contrib import admin

from tests.kernel_example.models import Gadget, GadgetStatus
from tests.nexus.core.transitions.conftest import admin_user, gadget, in_tenant, tenant
from tests.nexus.core.transitions.test_admin import change_url, logged_in, state_of, transition_url
from tests.nexus.procurement.helpers import save_buttons

pytestmark = pytest.mark.django_db
__all__ = ["admin_user", "gadget", "in_tenant", "tenant"]


@pytest.fixture
def every_field_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin.site._registry[Gadget], "readonly_fields", ("name", "kind", "quantity"))


def test_a_page_with_editable_fields_offers_save(client, admin_user, tenant, gadget):
    response = logged_in(client, admin_user, tenant).get(change_url(gadget))

    assert save_buttons(response) == ["_save", "_continue", "_addanother"]


def test_a_page_with_nothing_editable_offers_no_save_but_its_transitions(
    client, admin_user, tenant, gadget, every_field_read_only
):
    browser = logged_in(client, admin_user, tenant)

    page = browser.get(change_url(gadget))

    assert page.status_code == 200
    assert save_buttons(page) == []
    assert [b["name"] for b in page.context["transition_buttons"]] == ["approve", "reject", "archive"]
    response = browser.post(transition_url(gadget, "approve"), {"idempotency_key": "k"})
    assert response.status_code == 302
    assert state_of(tenant, gadget) == GadgetStatus.APPROVED
