"""The work-queue registry: counts per queue, only for those who may act, one query per queue."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.admin.navigation import Group
from nexus.core.admin.queues import QueueRegistry
from nexus.tenancy.models import Role
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.kernel_example.models import Gadget, GadgetStatus

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def gadget_queues() -> QueueRegistry:
    registry = QueueRegistry()
    registry.register(
        "gadgets.to_approve",
        title="Gadgets to approve",
        group=Group.SYSTEM,
        permission="kernel_example.approve_gadget",
        queryset=lambda request: Gadget.objects.filter(status=GadgetStatus.DRAFT),
        changelist="admin:kernel_example_gadget_changelist",
        filters={"status__exact": GadgetStatus.DRAFT},
    )
    registry.register(
        "gadgets.empty",
        title="Gadgets without quantity",
        group=Group.INVENTORY,
        permission="kernel_example.change_gadget",
        queryset=lambda request: Gadget.objects.filter(quantity=0),
        changelist="admin:kernel_example_gadget_changelist",
    )
    return registry


@pytest.fixture
def tenant():
    return TenantFactory.create(slug="acme")


def test_each_queue_counts_its_rows_and_links_to_the_filtered_list(tenant):
    admin = MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user
    with scope.tenant(tenant):
        GadgetFactory.create_batch(3, quantity=Decimal(1))
        GadgetFactory.create(quantity=Decimal(0))
        GadgetFactory.create(quantity=Decimal(0), status=GadgetStatus.ARCHIVED)

        counts = gadget_queues().counts(request_of(admin))

    assert [(c.queue.key, c.count, c.url) for c in counts] == [
        ("gadgets.empty", 2, "/admin/kernel_example/gadget/"),
        ("gadgets.to_approve", 4, "/admin/kernel_example/gadget/?status__exact=draft"),
    ]


def test_a_queue_is_shown_only_to_those_who_may_act_on_it(tenant):
    viewer = MembershipFactory.create(tenant=tenant, role=Role.SALES).user
    with scope.tenant(tenant):
        GadgetFactory.create(quantity=Decimal(0))

        assert gadget_queues().counts(request_of(viewer)) == []


def test_tenant_queues_wait_for_a_selected_tenant(tenant):
    operator = UserFactory.create(is_platform_operator=True)

    assert gadget_queues().counts(request_of(operator)) == []


def test_counting_costs_one_query_per_queue_whatever_the_number_of_rows(tenant):
    admin = MembershipFactory.create(tenant=tenant, role=Role.ADMIN).user
    registry = gadget_queues()
    with scope.tenant(tenant):
        request = request_of(admin)
        registry.counts(request)  # the role is looked up once per request
        with CaptureQueriesContext(connection) as few:
            registry.counts(request)
        GadgetFactory.create_batch(40, quantity=Decimal(0))
        with CaptureQueriesContext(connection) as many:
            counts = registry.counts(request)

    assert len(few) == len(many) == 2
    assert [c.count for c in counts] == [40, 40]


def test_a_queue_is_registered_once():
    registry = gadget_queues()

    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        registry.register(
            "gadgets.empty",
            title="Again",
            group=Group.SYSTEM,
            permission="kernel_example.view_gadget",
            queryset=lambda request: Gadget.objects.all(),
            changelist="admin:kernel_example_gadget_changelist",
        )
