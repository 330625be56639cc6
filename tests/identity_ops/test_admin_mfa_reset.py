"""A platform operator resets a person's second factors from the admin, under step-up, with a reason."""

import datetime as dt

import pytest
from django.utils import timezone

from nexus.accounts.mfa import authenticators, totp
from nexus.accounts.stepup import SESSION_KEY
from nexus.core import scope
from nexus.core.models import OutboxEvent
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def person_with_an_authenticator():
    person = UserFactory.create(email="bo@example.com")
    pending = authenticators.begin_totp(person)
    at = timezone.now() - dt.timedelta(minutes=1)
    authenticators.confirm_totp(pending.authenticator_id, totp.code_at(pending.secret, at), at=at)
    return person


def step_up(client) -> None:
    session = client.session
    session[SESSION_KEY] = timezone.now().isoformat()
    session.save()


def test_an_operator_resets_second_factors_with_a_reason_after_stepping_up(client):
    operator = UserFactory.create(is_platform_operator=True)
    person = person_with_an_authenticator()
    client.force_login(operator)

    chosen = client.post(
        "/admin/accounts/user/", {"action": "reset_mfa_selected", "_selected_action": [person.pk]}
    )
    reset_page = chosen["Location"]
    assert reset_page == f"/admin/mfa/reset/?ids={person.pk}"
    assert client.get(reset_page)["Location"].startswith("/admin/step-up/")

    step_up(client)
    assert client.post(reset_page, {"ids": str(person.pk), "reason": ""}).status_code == 200
    assert authenticators.has_confirmed_mfa(person.pk)
    done = client.post(reset_page, {"ids": str(person.pk), "reason": "lost phone"})
    assert done.status_code == 302
    assert not authenticators.has_confirmed_mfa(person.pk)
    with scope.system_context("test: read the global outbox"):
        [event] = OutboxEvent.objects.filter(name="accounts.mfa_reset")
    assert event.payload["operator_id"] == operator.pk
    assert event.payload["reason"] == "lost phone"


def test_a_reason_sent_after_the_step_up_lapsed_is_back_on_the_page_after_the_prompt(client):
    person = person_with_an_authenticator()
    client.force_login(UserFactory.create(is_platform_operator=True))
    reset_page = f"/admin/mfa/reset/?ids={person.pk}"

    asked = client.post(reset_page, {"ids": str(person.pk), "reason": "lost phone"})

    assert asked["Location"].startswith("/admin/step-up/")
    step_up(client)
    page = client.get(reset_page)
    assert '<input id="id_reason" name="reason" maxlength="500" value="lost phone" required>' in (
        page.content.decode()
    )
    assert authenticators.has_confirmed_mfa(person.pk)  # reset only when the operator presses it


@pytest.mark.parametrize("ids", ["²", "\u0661" * 25, "x", "1,2", "\x00"])
def test_people_named_by_anything_but_their_ids_are_refused_and_nothing_is_reset(client, ids):
    person = person_with_an_authenticator()
    client.force_login(UserFactory.create(is_platform_operator=True))
    step_up(client)

    shown = client.get("/admin/mfa/reset/", {"ids": [person.pk, ids]})
    posted = client.post("/admin/mfa/reset/", {"ids": [person.pk, ids], "reason": "lost phone"})

    for response in (shown, posted):
        assert response.status_code == 200
        assert [str(m) for m in response.context["messages"]] == [
            "Choose the people from the list of users; nobody was selected."
        ]
        assert response.context["people"] == []
    assert authenticators.has_confirmed_mfa(person.pk)
