"""The kernel's step-up guards: the view decorator and the helper, answered by the configured contract."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from nexus.accounts.stepup import SESSION_KEY
from nexus.core.errors import MfaRequired
from nexus.core.stepup import (
    KEPT_FOR,
    KEPT_SESSION_KEY,
    has_recent_mfa,
    kept_submission,
    require_recent_mfa,
    requires_recent_mfa,
)
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


def returning(request, path="/admin/landed-costs/3/post/?x=1"):
    """The GET the prompt sends the person back with, in the same session."""
    back = RequestFactory().get(path)
    back.user, back.session = request.user, request.session
    return back


def test_a_post_sent_to_the_prompt_waits_for_the_page_once_without_its_secrets():
    request = browser_request(None)
    request.POST = request.POST.copy()
    for name, value in (
        ("csrfmiddlewaretoken", "t"),
        ("reason", "checked twice"),
        ("new_password1", "hunter2"),
        ("code", "123456"),
        ("idempotency_key", "k1"),
    ):
        request.POST[name] = value
    request.POST.setlist("ids", ["4", "7"])

    sensitive(request)

    elsewhere = returning(request, "/admin/landed-costs/4/post/")
    assert kept_submission(elsewhere) is None
    back = returning(request)
    kept = kept_submission(back)
    assert kept is not None
    assert dict(kept.lists()) == {"reason": ["checked twice"], "idempotency_key": ["k1"], "ids": ["4", "7"]}
    assert kept_submission(back) is kept  # the same request may ask again
    assert kept_submission(returning(request)) is None  # read once


def test_a_kept_post_expires():
    request = browser_request(None)
    request.POST = request.POST.copy()
    request.POST["reason"] = "late"
    sensitive(request)
    entry = request.session[KEPT_SESSION_KEY]["/admin/landed-costs/3/post/?x=1"]
    assert entry["until"] == pytest.approx((timezone.now() + KEPT_FOR).timestamp(), abs=5)
    entry["until"] = (timezone.now() - dt.timedelta(seconds=1)).timestamp()

    assert kept_submission(returning(request)) is None
