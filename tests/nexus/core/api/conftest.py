import pytest
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.tenancy.models import Role, TenantStatus
from tests.factories.kernel_example import GadgetFactory, GadgetKindFactory
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

GADGETS = "/api/v1/example/gadgets/"
KINDS = "/api/v1/example/gadget-kinds/"


@pytest.fixture(autouse=True)
def example_api(settings):
    settings.ROOT_URLCONF = "tests.kernel_example.urls"


@pytest.fixture
def acme(db):
    return TenantFactory.create(name="Acme", slug="acme")


@pytest.fixture
def globex(db):
    return TenantFactory.create(name="Globex", slug="globex")


@pytest.fixture
def dormant(db):
    return TenantFactory.create(name="Dormant", slug="dormant", status=TenantStatus.SUSPENDED)


@pytest.fixture
def ana(acme, globex, dormant):
    """Admin in Acme, viewer in Globex, admin in the suspended Dormant."""
    user = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=user, tenant=acme, role=Role.ADMIN)
    MembershipFactory.create(user=user, tenant=globex, role=Role.VIEWER)
    MembershipFactory.create(user=user, tenant=dormant, role=Role.ADMIN)
    return user


@pytest.fixture
def api(ana):
    client = APIClient()
    client.force_authenticate(ana)
    return client


@pytest.fixture
def acme_kind(acme):
    with scope.tenant(acme):
        return GadgetKindFactory.create(name="Widgets")


@pytest.fixture
def globex_kind(globex):
    with scope.tenant(globex):
        return GadgetKindFactory.create(name="Sprockets")


@pytest.fixture
def globex_gadget(globex, globex_kind):
    with scope.tenant(globex):
        return GadgetFactory.create(name="Globex gadget", kind=globex_kind)


def as_tenant(slug):
    return {"HTTP_X_TENANT": slug}
