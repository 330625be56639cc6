import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission

from nexus.accounts.backends import EmailBackend
from tests.factories.people import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_authenticates_by_email_whatever_its_case():
    user = UserFactory.create(email="Mixed.Case@Example.com")
    assert authenticate(username="mixed.case@EXAMPLE.COM", password=TEST_PASSWORD) == user
    assert authenticate(username="mixed.case@example.com", password="wrong") is None


def test_grants_nothing_even_to_a_superuser_with_direct_permissions():
    user = UserFactory.create(is_superuser=True)
    user.user_permissions.add(Permission.objects.get(codename="change_tenant"))
    backend = EmailBackend()

    assert backend.get_all_permissions(user) == set()
    assert backend.has_perm(user, "tenancy.change_tenant") is False
    assert backend.has_module_perms(user, "tenancy") is False
    assert list(backend.with_perm("tenancy.change_tenant")) == []
