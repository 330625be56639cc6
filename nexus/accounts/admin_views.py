"""The admin's side of the login: password, then the code; the step-up prompt; the enrolment gate.

The password step is the admin site's own login form (``NexusAdminLoginForm``), whose
``authenticate()`` goes through ``LockoutEmailBackend`` exactly like the API's login. A person
with a second factor is then asked for a code on a page of its own; the state between the two
pages is the challenge (``mfa.challenges``, a database row), whose id sits in the anonymous
session. The step-up page proves a fresh code and returns to the page that asked (``@requires_recent_mfa``).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from unfold.widgets import UnfoldAdminTextInputWidget

from nexus.core.errors import NexusError
from nexus.tenancy.admin_site import NexusAdminLoginForm, select_default_tenant

from .login import Via
from .login_flow import (
    ENROLMENT_ONLY_SESSION_KEY,
    LoginOutcome,
    SecondFactorPaused,
    after_password,
    answer_challenge,
    prove_step_up,
)
from .mfa.authenticators import has_confirmed_mfa
from .models import Device

CHALLENGE_SESSION_KEY = "nexus_login_challenge"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code of your authenticator app, or one of your recovery codes.",
        widget=UnfoldAdminTextInputWidget(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "numeric"}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def _context(request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "title": title,
        "site_header": admin.site.site_header,
        REDIRECT_FIELD_NAME: _next_url(request),
        **extra,
    }


def _after_login(request: HttpRequest, outcome: LoginOutcome) -> HttpResponseRedirect:
    select_default_tenant(request)
    if outcome.enrolment_only:
        messages.warning(
            request, "Your tenant requires a second factor: set up an authenticator app to continue."
        )
        return HttpResponseRedirect(reverse(settings.NEXUS_MFA_SETUP_URL))
    if outcome.policy.mfa_required and outcome.policy.enrol_by and not has_confirmed_mfa(outcome.user.pk):
        messages.info(
            request,
            f"Your tenant requires a second factor from {outcome.policy.enrol_by:%Y-%m-%d}: set one up now "
            "under 'Two-factor authentication'.",
        )
    return HttpResponseRedirect(_next_url(request))


@sensitive_post_parameters()
@csrf_protect
@never_cache
def admin_login(request: HttpRequest) -> HttpResponseBase:
    """The admin's login page: the site's form (lockout in the backend), then the code if needed."""
    if request.method == "GET" and request.user.is_authenticated and admin.site.has_permission(request):
        return HttpResponseRedirect(_next_url(request))
    form = NexusAdminLoginForm(request, data=request.POST if request.method == "POST" else None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = after_password(request, form.get_user(), via=Via.SESSION)
        except SecondFactorPaused as paused:
            form.add_error(None, paused.detail)
    if outcome is not None:
        if outcome.challenge is not None:
            request.session[CHALLENGE_SESSION_KEY] = outcome.challenge.id
            code_page = reverse("admin-login-code")
            return HttpResponseRedirect(f"{code_page}?{REDIRECT_FIELD_NAME}={_next_url(request)}")
        return _after_login(request, outcome)
    context = _context(request, "Log in", form=form, app_path=request.get_full_path())
    return render(request, "admin/login.html", context)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def admin_login_code(request: HttpRequest) -> HttpResponseBase:
    """Second step of the admin login: the code for the challenge the password started."""
    challenge_id = request.session.get(CHALLENGE_SESSION_KEY, "")
    if not challenge_id:
        return HttpResponseRedirect(reverse("admin:login"))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = answer_challenge(request, challenge_id, form.cleaned_data["code"], via=Via.SESSION)
        except NexusError as error:
            if error.code == "mfa_challenge_invalid":
                request.session.pop(CHALLENGE_SESSION_KEY, None)
                messages.error(request, error.detail)
                return HttpResponseRedirect(reverse("admin:login"))
            form.add_error("code", error.detail)
        else:
            request.session.pop(CHALLENGE_SESSION_KEY, None)
            return _after_login(request, outcome)
    context = _context(request, "Enter your code", form=form, purpose="login")
    return render(request, "admin/accounts/code_prompt.html", context)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def admin_step_up(request: HttpRequest) -> HttpResponseBase:
    """Prove a fresh code before a sensitive action; then back to the page that asked."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    user: Any = request.user
    if not has_confirmed_mfa(user.pk):
        messages.error(request, "This action needs a second factor: set up an authenticator app first.")
        return HttpResponseRedirect(reverse(settings.NEXUS_MFA_SETUP_URL))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            prove_step_up(request, form.cleaned_data["code"])
        except NexusError as error:
            form.add_error("code", error.detail)
        else:
            messages.success(request, "Verified. You can go on.")
            return HttpResponseRedirect(_next_url(request))
    context = _context(request, "Confirm it is you", form=form, purpose="step_up")
    return render(request, "admin/accounts/code_prompt.html", context)


class EnrolmentGateMiddleware:
    """Keep a browser login limited to enrolment (tenant MFA policy) on the enrolment pages.

    After ``AuthenticationMiddleware``. Such a session reaches only the paths listed in
    ``NEXUS_MFA_ENROLMENT_PATHS`` (setup, logout, static); anything else under the admin is
    redirected to the setup page, and an API call is answered 403 ``mfa_enrolment_required``
    by the view's own check. The gate lifts once the person has a confirmed factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and session.get(ENROLMENT_ONLY_SESSION_KEY) and request.user.is_authenticated:
            if has_confirmed_mfa(request.user.pk):
                session.pop(ENROLMENT_ONLY_SESSION_KEY, None)
                Device.objects.filter(session_key=session.session_key).update(enrolment_only=False)
            elif request.path.startswith("/admin/") and not self._allowed(request.path):
                return HttpResponseRedirect(reverse(settings.NEXUS_MFA_SETUP_URL))
            elif request.path.startswith("/api/") and not self._allowed(request.path):
                return self._refused()
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        return any(path.startswith(prefix) for prefix in settings.NEXUS_MFA_ENROLMENT_PATHS)

    @staticmethod
    def _refused() -> HttpResponse:
        return JsonResponse(
            {
                "code": "mfa_enrolment_required",
                "detail": "A tenant you belong to requires a second factor: set one up first.",
            },
            status=403,
        )
