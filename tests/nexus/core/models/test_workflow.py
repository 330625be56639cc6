"""Workflow records: a plain save never writes a state, and a stale copy never overwrites a newer row."""

from decimal import Decimal

import pytest
from django.db import models, transaction
from django.test.utils import isolate_apps
from django_fsm import FSMField

from nexus.core import scope
from nexus.core.models import WorkflowModel
from nexus.core.models.refs import ActorRef
from nexus.core.models.workflow import StaleWorkflowRecord, StateWriteOutsideTransition, check_workflow_models
from nexus.core.transitions import perform_transition
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import TenantFactory
from tests.kernel_example.models import Gadget, GadgetStatus

pytestmark = pytest.mark.django_db

SYSTEM = ActorRef.system("tests")


@pytest.fixture
def gadget():
    with scope.tenant(TenantFactory.create(slug="acme")):
        yield GadgetFactory.create(name="Widget", quantity=Decimal(5))


def stored(gadget: Gadget) -> tuple[str, str, Decimal]:
    return Gadget.objects.filter(pk=gadget.pk).values_list("name", "status", "quantity").get()


def test_a_plain_save_of_a_changed_state_raises_and_writes_nothing(gadget):
    gadget.archive()  # the transition method alone, outside the service

    with pytest.raises(StateWriteOutsideTransition, match=r"kernel_example\.Gadget\.status changes only"):
        gadget.save()

    assert stored(gadget) == ("Widget", GadgetStatus.DRAFT, Decimal(5))


def test_a_copy_read_before_a_transition_cannot_save_the_old_state_back(gadget):
    stale = Gadget.objects.get(pk=gadget.pk)
    perform_transition(gadget, "archive", actor=SYSTEM)
    stale.name = "Renamed"

    with pytest.raises(StaleWorkflowRecord) as raised, transaction.atomic():
        stale.save()

    assert raised.value.status == 409
    assert raised.value.code == "concurrent_change"
    assert stored(gadget) == ("Widget", GadgetStatus.ARCHIVED, Decimal(0))


def test_a_copy_read_before_a_transition_cannot_save_even_its_own_fields(gadget):
    stale = Gadget.objects.get(pk=gadget.pk)
    perform_transition(gadget, "archive", actor=SYSTEM)
    stale.name = "Renamed"

    with pytest.raises(StaleWorkflowRecord), transaction.atomic():
        stale.save(update_fields=["name"])

    assert stored(gadget) == ("Widget", GadgetStatus.ARCHIVED, Decimal(0))


def test_the_transition_service_still_writes_the_state_and_an_edit_after_it_saves(gadget):
    archived = perform_transition(gadget, "archive", actor=SYSTEM).instance
    archived.name = "Kept"
    archived.save(update_fields=["name"])

    assert stored(gadget) == ("Kept", GadgetStatus.ARCHIVED, Decimal(0))


@isolate_apps("tests.kernel_example")
def test_a_model_with_a_state_field_must_be_a_workflow_model():
    class Loose(models.Model):
        status = FSMField(default="draft")

        class Meta:
            app_label = "kernel_example"

        def __str__(self) -> str:
            return str(self.status)

    class Guarded(WorkflowModel):
        status = FSMField(default="draft")

        class Meta:
            app_label = "kernel_example"

    config = Loose._meta.apps.get_app_config("kernel_example")

    errors = check_workflow_models([config])

    assert [(error.id, error.obj) for error in errors] == [("nexus.E120", Loose)]


def test_every_model_of_the_project_with_a_state_field_is_a_workflow_model():
    assert check_workflow_models() == []
