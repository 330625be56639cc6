"""One login key per account: every spelling that folds to it is the same account and counter."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st

from nexus.accounts import lockout
from nexus.accounts.client import ClientInfo
from nexus.accounts.login_key import login_key
from nexus.accounts.models import LoginThrottle, User
from tests.factories.people import TEST_PASSWORD, UserFactory

DOTLESS_I, LONG_S = "\u0131", "\u017f"
CLIENT = ClientInfo(ip_address="203.0.113.9", user_agent="pytest")
SPELLINGS = [
    "isis@initech.example",
    f"{DOTLESS_I}sis@initech.example",
    f"i{LONG_S}is@initech.example",
    "ISIS@Initech.Example",
]


def attempt(email: str, password: str):
    request = RequestFactory().post("/login/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="pytest")
    return authenticate(request, username=email, password=password)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_dotless_i_long_s_and_case_fold_to_one_key(spelling):
    assert login_key(spelling) == "isis@initech.example"
    assert lockout.normalise_username(spelling) == "isis@initech.example"


@given(st.text(max_size=40))
def test_the_key_of_a_key_is_itself(address):
    assert login_key(login_key(address)) == login_key(address)


@pytest.mark.django_db
@override_settings(NEXUS_LOGIN_FAILURE_LIMIT=5, NEXUS_LOGIN_COOLOFF_SECONDS=60)
def test_every_spelling_counts_against_one_lockout_and_none_gets_fresh_tries():
    user = UserFactory.create(email="isis@initech.example")
    for spelling in [
        f"{DOTLESS_I}sis@initech.example",
        f"i{LONG_S}is@initech.example",
        "isis@initech.example",
    ] * 2:
        assert attempt(spelling, "wrong") is None

    (throttle,) = LoginThrottle.objects.all()
    assert (throttle.username, throttle.failures, throttle.lockouts, throttle.user_id) == (
        "isis@initech.example",
        5,
        1,
        user.pk,
    )
    for spelling in SPELLINGS:
        assert attempt(spelling, TEST_PASSWORD) is None  # cooling off, whatever the spelling


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_any_spelling_finds_the_one_account(spelling):
    user = UserFactory.create(email="isis@initech.example")
    assert attempt(spelling, TEST_PASSWORD) == user
    assert User.objects.by_address(spelling) == user
    assert User.objects.get_by_natural_key(spelling) == user


@pytest.mark.django_db
def test_an_address_with_a_taken_key_is_refused():
    UserFactory.create(email="isis@initech.example")
    with pytest.raises(ValidationError) as refused:
        User.objects.create_user("ISIS@initech.example", TEST_PASSWORD)
    assert refused.value.message_dict == {"email": ["A user with this email address already exists."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email=f"i{LONG_S}is@initech.example").save()
    assert list(User.objects.values_list("email", flat=True)) == ["isis@initech.example"]


@pytest.mark.django_db
def test_the_key_follows_a_changed_address():
    user = UserFactory.create(email="old@initech.example")
    user.email = "New@Initech.example"
    user.save(update_fields=["email"])
    user.refresh_from_db()
    assert user.login_key == "new@initech.example"


@pytest.mark.django_db
def test_the_migration_lists_accounts_whose_keys_collide_instead_of_picking_one():
    fill = importlib.import_module("nexus.accounts.migrations.0005_user_login_key")
    isis = UserFactory.create(email="isis@initech.example")
    other = UserFactory.create(email="other@initech.example")
    User.objects.filter(pk=other.pk).update(
        email=f"{DOTLESS_I}sis@initech.example"
    )  # as before the key existed

    with pytest.raises(fill.LoginKeyCollision) as refused:
        fill.fill_login_keys(django_apps, None)

    assert str(refused.value) == (
        "These accounts share a login key; merge or rename them, then migrate again:\n"
        f"  'isis@initech.example': user {isis.pk} <isis@initech.example>, "
        f"user {other.pk} <{DOTLESS_I}sis@initech.example>"
    )
