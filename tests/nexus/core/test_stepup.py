"""The kernel's step-up guards: the view decorator and the helper, answered by the configured contract."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from nexus.accounts.stepup import SESSION_KEY
from nexus.core.errors import MfaRequired
from nexus.core.stepup import has_recent_mfa, require_recent_mfa, requires_recent_mfa
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@requires_recent_mfa
def sensitive(request):
    return HttpResponse("done")


def browser_request(verified_minutes_ago: float | None):
    request = RequestFactory().post("/admin/landed-costs/3/post/?x=1")
    request.user = UserFactory.create()
    request.session = SessionStore()
    if verified_minutes_ago is not None:
        request.session[SESSION_KEY] = (
            timezone.now() - dt.timedelta(minutes=verified_minutes_ago)
        ).isoformat()
    return request


def test_the_decorator_sends_a_person_without_a_recent_code_to_the_prompt_and_back():
    response = sensitive(browser_request(None))
    assert response.status_code == 302
    assert response["Location"] == "/admin/step-up/?next=%2Fadmin%2Flanded-costs%2F3%2Fpost%2F%3Fx%3D1"
    assert sensitive(browser_request(11))["Location"].startswith("/admin/step-up/")
    assert sensitive(browser_request(9)).content == b"done"


def test_the_window_is_ten_minutes_by_default_and_a_setting_changes_it():
    assert has_recent_mfa(browser_request(9.5))
    assert not has_recent_mfa(browser_request(10.5))
    with override_settings(NEXUS_STEP_UP_MINUTES=30):
        assert has_recent_mfa(browser_request(20))
    with pytest.raises(MfaRequired):
        require_recent_mfa(browser_request(None))
