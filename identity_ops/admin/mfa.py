"""The admin page where a person sets up an authenticator app: QR code, then a code to confirm.

Runs the enrolment workflow (``workflows.mfa_enrolment``); the recovery codes of a first factor
are shown once, on the page that confirms it.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from identity_ops.contracts.mfa import Client
from identity_ops.models import MfaEnrolment, MfaEnrolmentStatus
from identity_ops.wiring import access, mfa_authenticators, user_model
from identity_ops.workflows import mfa_enrolment
from nexus.core.admin.navigation import register_account_link
from nexus.core.admin.step_up import KEPT_MESSAGE
from nexus.core.errors import NexusError
from nexus.core.stepup import has_recent_mfa, kept_submission, step_up_redirect

PENDING_SESSION_KEY = "nexus_mfa_enrolment_id"

register_account_link("Two-factor authentication", "admin-mfa-setup", order=10)


class MfaResetForm(forms.Form):
    """Whose second factors to reset (``ids``, repeated) and, when posted, why."""

    ids: "forms.ModelMultipleChoiceField[Any]" = forms.ModelMultipleChoiceField(queryset=None)
    reason = forms.CharField(
        max_length=500, error_messages={"required": "Say why the second factors are reset."}
    )

    def __init__(self, *args: Any, ask_reason: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = user_model()._default_manager.all()  # type: ignore[attr-defined]
        self.fields["reason"].required = ask_reason


def _client(request: HttpRequest) -> Client:
    known = access().client(request)
    return Client(known.ip_address, known.user_agent)


def _render(request: HttpRequest, **extra: Any) -> HttpResponseBase:
    user: Any = request.user
    context = {
        **admin.site.each_context(request),
        "title": "Two-factor authentication",
        "confirmed": MfaEnrolment.objects.filter(
            user_id=user.pk, status=MfaEnrolmentStatus.CONFIRMED
        ).order_by("-confirmed_at"),
        **extra,
    }
    return render(request, "admin/identity_ops/mfa_setup.html", context)


@csrf_protect
@never_cache
def mfa_setup(request: HttpRequest) -> HttpResponseBase:
    """Start an enrolment (POST ``action=start``), show its QR code, confirm it with a code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    here = reverse("admin-mfa-setup")
    action = request.POST.get("action", "")
    pending_id = request.session.get(PENDING_SESSION_KEY)
    if request.method == "POST" and action == "start":
        started = mfa_enrolment.start_totp_enrolment(request.user, label=request.POST.get("name", "").strip())
        request.session[PENDING_SESSION_KEY] = started.enrolment.pk
        return HttpResponseRedirect(here)
    if request.method == "POST" and action == "confirm" and pending_id:
        try:
            confirmed = mfa_enrolment.confirm_totp_enrolment(
                request.user, pending_id, request.POST.get("code", ""), client=_client(request)
            )
        except NexusError as error:
            messages.error(request, error.fields.get("code", [error.detail])[0])
            return HttpResponseRedirect(here)
        request.session.pop(PENDING_SESSION_KEY, None)
        messages.success(request, "Your authenticator app is set up.")
        return _render(request, recovery_codes=confirmed.recovery_codes, done=True)
    if request.method == "POST" and action == "cancel" and pending_id:
        try:
            mfa_enrolment.cancel_enrolment(request.user, pending_id)
        except NexusError as error:
            messages.error(request, error.detail)
        request.session.pop(PENDING_SESSION_KEY, None)
        return HttpResponseRedirect(here)
    pending = None
    if pending_id:
        try:
            pending = mfa_enrolment.show_pending_enrolment(request.user, pending_id)
        except NexusError:
            request.session.pop(PENDING_SESSION_KEY, None)
    return _render(request, pending=pending)


@csrf_protect
@never_cache
def mfa_reset(request: HttpRequest) -> HttpResponseBase:
    """A platform operator removes every second factor of the people named (``?ids=1&ids=2``), with a reason.

    Needs a recent step-up; each reset is audited and the person is told (through the events).
    """
    user: Any = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not getattr(user, "is_platform_operator", False):
        return render(request, "admin/identity_ops/mfa_reset.html", {"refused": True}, status=403)
    if not has_recent_mfa(request):
        return step_up_redirect(request)
    posted = request.method == "POST"
    form = MfaResetForm(request.POST if posted else request.GET, ask_reason=posted)
    valid = form.is_valid()
    people = sorted(form.cleaned_data.get("ids", []), key=lambda person: person.email)
    if "ids" in form.errors:
        messages.error(request, "Choose the people from the list of users; nobody was selected.")
    elif posted and not valid:
        messages.error(request, str(form.errors["reason"][0]))
    elif posted:
        reason = form.cleaned_data["reason"]
        authenticators = mfa_authenticators()
        removed = sum(authenticators.reset_mfa(p.pk, operator_id=user.pk, reason=reason) for p in people)
        messages.success(
            request,
            f"Reset the second factors of {len(people)} people ({removed} authenticator(s) removed).",
        )
        return HttpResponseRedirect(reverse("admin:accounts_user_changelist"))
    kept = kept_submission(request)
    if kept is not None:
        messages.info(request, KEPT_MESSAGE)
    context = {
        **admin.site.each_context(request),
        "title": "Reset second factors",
        "people": people,
        "reason": kept.get("reason", "") if kept is not None else "",
    }
    return render(request, "admin/identity_ops/mfa_reset.html", context)
