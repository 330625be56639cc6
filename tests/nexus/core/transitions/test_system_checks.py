"""The system checks: transition options, and state fields writable only through transitions."""

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.checks import Tags, run_checks
from django.test import override_settings

from nexus.core.events import CATALOGUE
from nexus.core.transitions.system_checks import (
    admin_state_field_messages,
    api_state_field_messages,
    check_transition_declarations,
)
from tests.kernel_example.models import Gadget, GadgetKind

from . import bad_api_urls

pytestmark = pytest.mark.smoke


class EditableStatusAdmin(admin.ModelAdmin):
    fields = ("name", "quantity", "status")


class ReadOnlyStatusAdmin(admin.ModelAdmin):
    fields = ("name", "quantity", "status")
    readonly_fields = ("status",)


class GadgetInline(admin.TabularInline):
    model = Gadget
    fields = ("name", "status")


class KindAdmin(admin.ModelAdmin):
    inlines = [GadgetInline]


@pytest.fixture
def site() -> Iterator[admin.AdminSite]:
    """A throw-away admin site, emptied afterwards so the checks of later tests never see it."""
    throwaway = admin.AdminSite(name="throwaway")
    yield throwaway
    throwaway._registry.clear()


def ids(messages: list) -> list[str]:
    return [message.id for message in messages]


def test_an_editable_state_field_in_an_admin_form_is_an_error(site):
    site.register(Gadget, EditableStatusAdmin)

    messages = admin_state_field_messages([site])

    assert ids(messages) == ["nexus.E110", "nexus.E110"]
    assert [m.msg for m in messages] == [
        f"kernel_example.Gadget.status is a state field but is editable in the {form} of "
        "EditableStatusAdmin (throwaway admin site)."
        for form in ("add form", "change form")
    ]
    assert messages[0].obj is EditableStatusAdmin


def test_a_read_only_state_field_passes(site):
    site.register(Gadget, ReadOnlyStatusAdmin)

    assert admin_state_field_messages([site]) == []


def test_a_state_field_editable_in_an_inline_is_an_error(site):
    site.register(GadgetKind, KindAdmin)

    messages = admin_state_field_messages([site])

    assert [m.msg for m in messages] == [
        "kernel_example.Gadget.status is a state field but is editable in the inline GadgetInline of "
        "kernel_example.GadgetKind of KindAdmin (throwaway admin site)."
    ]


def test_the_registered_check_fires_for_every_admin_site(site):
    site.register(Gadget, EditableStatusAdmin)

    messages = [m for m in run_checks(tags=[Tags.admin]) if m.id == "nexus.E110"]

    assert [m.obj for m in messages] == [EditableStatusAdmin, EditableStatusAdmin]


def test_a_writable_state_field_in_a_served_serializer_is_an_error():
    messages = api_state_field_messages(bad_api_urls.urlpatterns)

    assert ids(messages) == ["nexus.E111", "nexus.E111"]
    assert messages[0].msg == (
        "kernel_example.Gadget.status is a state field but WritableStatusSerializer (served at "
        "/^bad-gadgets/$ by WritableStatusViewSet) can write it as 'status'."
    )
    assert messages[1].obj is bad_api_urls.KindWithGadgetsSerializer
    assert "/^kinds/$ by KindViewSet" in messages[1].msg


@override_settings(ROOT_URLCONF="tests.nexus.core.transitions.bad_api_urls")
def test_the_registered_check_reads_the_urlconf():
    messages = [m for m in run_checks(tags=[Tags.urls]) if m.id == "nexus.E111"]

    assert [m.obj for m in messages] == [
        bad_api_urls.WritableStatusSerializer,
        bad_api_urls.KindWithGadgetsSerializer,
    ]


def test_the_project_itself_passes_the_state_field_checks():
    ours = {"nexus.E101", "nexus.E102", "nexus.E103", "nexus.E104", "nexus.E105", "nexus.E110", "nexus.E111"}
    messages = [m for m in run_checks() if m.id in ours]

    assert messages == []


@pytest.fixture
def approve_edges():
    return list(Gadget.approve._django_fsm.transitions.values())


def declaration_messages() -> list:
    return check_transition_declarations([apps.get_app_config("kernel_example")])


def test_the_example_declarations_pass():
    assert declaration_messages() == []


def test_an_unknown_option_is_an_error(approve_edges, monkeypatch):
    monkeypatch.setitem(approve_edges[0].custom, "lable", "Approve")

    messages = declaration_messages()

    assert ids(messages) == ["nexus.E101"]
    assert messages[0].msg == "kernel_example.Gadget.approve declares unknown transition options: lable."


def test_an_uncatalogued_event_and_an_on_error_state_are_errors(approve_edges, monkeypatch):
    monkeypatch.setitem(approve_edges[0].custom, "event", "kernel_example.gadget_approvd")
    monkeypatch.setattr(approve_edges[0], "on_error", "draft")

    messages = declaration_messages()

    assert ids(messages) == ["nexus.E103", "nexus.E104"]
    assert messages[1].msg == (
        "kernel_example.Gadget.approve publishes 'kernel_example.gadget_approvd', which is not in the "
        "event catalogue."
    )
    assert "kernel_example.gadget_approvd" not in CATALOGUE


def test_options_that_differ_between_sources_are_an_error(monkeypatch):
    archive_edges = list(Gadget.archive._django_fsm.transitions.values())
    monkeypatch.setattr(archive_edges[1], "custom", {"label": "Shelve"})

    assert ids(declaration_messages()) == ["nexus.E102"]
