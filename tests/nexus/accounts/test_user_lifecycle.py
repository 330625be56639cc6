"""The user's status FSM: transitions, who may perform them, and the derived ``is_active``."""

import pytest

from nexus.accounts.models import User, UserStatus
from nexus.core.errors import PermissionDenied, TransitionNotAllowed
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import available_transitions, perform_transition
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

SYSTEM = ActorRef.system("test")


@pytest.mark.parametrize(
    ("start", "transition", "end", "active"),
    [
        (UserStatus.PENDING_VERIFICATION, "activate", UserStatus.ACTIVE, True),
        (UserStatus.ACTIVE, "suspend", UserStatus.SUSPENDED, False),
        (UserStatus.SUSPENDED, "reinstate", UserStatus.ACTIVE, True),
        (UserStatus.ACTIVE, "deactivate", UserStatus.DEACTIVATED, False),
        (UserStatus.SUSPENDED, "deactivate", UserStatus.DEACTIVATED, False),
        (UserStatus.DEACTIVATED, "reactivate", UserStatus.ACTIVE, True),
    ],
)
def test_each_transition_moves_the_status_and_the_database_derives_is_active(start, transition, end, active):
    person = UserFactory.create(status=start)

    result = perform_transition(person, transition, actor=SYSTEM, reason="test")

    assert (result.instance.status, result.instance.is_active) == (end, active)
    stored = User.objects.get(pk=person.pk)
    assert (stored.status, stored.is_active) == (end, active)


@pytest.mark.parametrize(
    ("start", "transition"),
    [
        (UserStatus.PENDING_VERIFICATION, "suspend"),
        (UserStatus.PENDING_VERIFICATION, "deactivate"),
        (UserStatus.ACTIVE, "reactivate"),
        (UserStatus.DEACTIVATED, "suspend"),
        (UserStatus.ACTIVE, "activate"),
    ],
)
def test_transitions_from_other_states_are_refused(start, transition):
    person = UserFactory.create(status=start)

    with pytest.raises(TransitionNotAllowed):
        perform_transition(person, transition, actor=SYSTEM, reason="test")

    assert User.objects.get(pk=person.pk).status == start


def test_activation_records_when_the_address_was_verified():
    person = UserFactory.create(status=UserStatus.PENDING_VERIFICATION)

    result = perform_transition(person, "activate", actor=SYSTEM)

    assert result.instance.email_verified_at is not None


def test_only_operators_change_a_person_and_the_person_may_close_their_own_account():
    person, other = UserFactory.create(), UserFactory.create()
    operator = UserFactory.create(is_platform_operator=True)

    assert [c.name for c in available_transitions(person, operator)] == ["suspend", "deactivate"]
    assert [c.name for c in available_transitions(person, person)] == ["deactivate"]
    assert available_transitions(person, other) == []
    with pytest.raises(PermissionDenied):
        perform_transition(person, "suspend", actor=other, reason="no")
    assert User.objects.get(pk=person.pk).status == UserStatus.ACTIVE
