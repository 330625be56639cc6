"""Change lists: headers computed once per list, row checkboxes pre-rendered, Unfold's markup kept."""

import re

import pytest
import unfold.admin
import unfold.templatetags.unfold_list as unfold_list
from django.contrib.admin import helpers
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from nexus.core import scope
from nexus.core.admin.list_rendering import PrerenderedCheckbox, headers_once_per_change_list
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import MembershipFactory, TenantFactory

RESULTS_TABLE = re.compile(r"<table.*?</table>", re.DOTALL)
ROWS = 7


@given(st.text(min_size=1))
def test_a_prerendered_checkbox_is_the_widgets_own_markup_for_any_value(value):
    widget = unfold.admin.checkbox.widget

    assert PrerenderedCheckbox(widget).render(helpers.ACTION_CHECKBOX_NAME, value) == widget.render(
        helpers.ACTION_CHECKBOX_NAME, value
    )


def test_a_prerendered_checkbox_leaves_other_renders_to_the_widget():
    widget = unfold.admin.checkbox.widget
    checkbox = PrerenderedCheckbox(widget)

    assert checkbox.render("toggle", True) == widget.render("toggle", True)
    assert checkbox.render("toggle", "1", attrs={"id": "x"}) == widget.render(
        "toggle", "1", attrs={"id": "x"}
    )
    assert 'id="x"' in checkbox.render("toggle", "1", attrs={"id": "x"})


def test_the_kernel_installs_all_three_on_unfolds_change_list():
    assert isinstance(unfold.admin.checkbox, PrerenderedCheckbox)
    assert hasattr(unfold_list.result_headers, "__wrapped__")
    assert unfold.admin.ModelAdmin.list_sections == ()


@pytest.fixture
def gadget_list(client: Client) -> Client:
    tenant = TenantFactory.create()
    with scope.tenant(tenant):
        GadgetFactory.create_batch(ROWS)
    client.force_login(MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
    session.save()
    return client


@pytest.mark.django_db
def test_a_change_list_computes_its_headers_once_and_renders_rows_as_unfold_does(gadget_list, monkeypatch):
    original = unfold_list.result_headers.__wrapped__
    lists = []

    def counted(cl):
        lists.append(cl)
        return original(cl)

    monkeypatch.setattr(unfold_list, "result_headers", headers_once_per_change_list(counted))
    fast = gadget_list.get("/admin/kernel_example/gadget/")
    monkeypatch.setattr(unfold_list, "result_headers", original)
    monkeypatch.setattr(unfold.admin, "checkbox", unfold.admin.checkbox.widget)
    monkeypatch.delattr(unfold.admin.ModelAdmin, "list_sections")
    unfolds = gadget_list.get("/admin/kernel_example/gadget/")

    assert fast.status_code == unfolds.status_code == 200
    assert len(lists) == 1
    table, unfolds_table = (RESULTS_TABLE.search(page.content.decode()) for page in (fast, unfolds))
    assert table is not None
    assert unfolds_table is not None
    assert table.group(0).count(f'name="{helpers.ACTION_CHECKBOX_NAME}"') == ROWS
    assert table.group(0) == unfolds_table.group(0)
