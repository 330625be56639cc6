"""The pages emailed links open, in the admin's look; each form runs one identity workflow.

Opening a link (GET) only reads: mail scanners open links, so only the form's POST uses the key
up. The key comes in the link's query and goes back in the form's hidden field; the pages are
never cached and tell other sites no referrer (``same-origin``: a form posted with no referrer
at all would fail the CSRF origin check), so the key travels no further. Answers and limits are the
API's: the same workflows, the same enumeration-safe wording, the same per-address counts, and
every form sent counted against the API's anonymous rate (``LinkPageThrottle``).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from identity_ops.wiring import access
from identity_ops.workflows.invitations import accept_invitation, describe_invitation
from identity_ops.workflows.passwords import (
    RESET_ANSWER,
    check_password_reset_link,
    confirm_password_reset,
    request_password_reset,
)
from identity_ops.workflows.registration import describe_verification, verify_email
from nexus.core.errors import InvalidInput, NexusError, Throttled

from .forms import EmailForm, LinkForm, NewAccountForm, NewPasswordForm
from .throttling import require_allowance

ACCEPT_TEMPLATE = "identity/accept_invitation.html"
VERIFY_TEMPLATE = "identity/verify_email.html"
RESET_TEMPLATE = "identity/reset_password.html"
DONE_TEMPLATE = "identity/done.html"
REFUSED_TEMPLATE = "identity/refused.html"
DONE_RESETTING = (
    "Your password was changed, and every session and token of your account ended; sign in with it."
)

View = Callable[[HttpRequest], HttpResponse]
Result = TypeVar("Result")


def _page(
    request: HttpRequest, template: str, title: str, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": title,
        "login_url": reverse("admin:login"),
        "site_url": None,  # no "Return to site": Nexus has no site besides the admin
        **extra,
    }
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = "same-origin"
    return response


def _refused(request: HttpRequest, refusal: NexusError, title: str, **extra: Any) -> HttpResponse:
    """The page of a link that cannot be used, with the reasons the workflow gave."""
    reasons = refusal.fields.get("token") or [refusal.detail]
    return _page(request, REFUSED_TEMPLATE, title, status=refusal.status, reasons=reasons, **extra)


def _again(
    request: HttpRequest,
    refusal: NexusError,
    template: str,
    title: str,
    *,
    link_refused: dict[str, Any] | None = None,
    **context: Any,
) -> HttpResponse:
    """The form again with the refusal on it or, when the link itself was refused, why."""
    if isinstance(refusal, InvalidInput) and "token" in refusal.fields:
        return _refused(request, refusal, title, **(link_refused or {}))
    return _page(request, template, title, status=refusal.status, **context)


def _key(request: HttpRequest) -> str:
    return (request.POST if request.method == "POST" else request.GET).get("token") or ""


def page(view: View) -> View:
    """The decorations every page shares; each form sent is counted against the anonymous rate first."""

    @wraps(view)
    def limited(request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            try:
                require_allowance(request)
            except Throttled as refusal:
                response = _refused(request, refusal, "Too many requests")
                if refusal.retry_after:
                    response["Retry-After"] = str(refusal.retry_after)
                return response
        return view(request)

    decorated = require_http_methods(["GET", "POST"])(limited)
    return sensitive_post_parameters("password", "password_again")(csrf_protect(never_cache(decorated)))


def _run(form: forms.Form, operation: Callable[[dict[str, Any]], Result]) -> Result | NexusError:
    """Run ``operation`` on a valid form: its result, or the refusal (on the form unless the link's)."""
    if not form.is_valid():
        return InvalidInput()
    try:
        return operation(form.cleaned_data)
    except NexusError as refusal:
        if not refusal.fields:
            form.add_error(None, refusal.detail)
        for name, messages in refusal.fields.items():
            if name != "token":  # the link's own refusal has a page of its own (``_again``)
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
        return refusal


@page
def accept_invitation_page(request: HttpRequest) -> HttpResponse:
    """Accept an invitation: a new account chooses its password; an existing one joins once signed in."""
    title = "Accept the invitation"
    try:
        offer = describe_invitation(_key(request))
    except InvalidInput as unusable:
        return _refused(request, unusable, title)
    user: Any = request.user
    signed_in = user.pk if user.is_authenticated else None
    context: dict[str, Any] = {"offer": offer, "signed_in_email": user.email if signed_in else ""}
    if not offer.new_account and signed_in != offer.user_id:
        context["sign_in_query"] = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return _page(request, ACCEPT_TEMPLATE, title, **context)
    form_class = NewAccountForm if offer.new_account else LinkForm
    initial = {"token": _key(request), "full_name": offer.full_name}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "GET":
        return _page(request, ACCEPT_TEMPLATE, title, form=form, **context)
    accepted = _run(
        form,
        lambda data: accept_invitation(
            data["token"],
            password=data.get("password", ""),
            full_name=data.get("full_name", ""),
            as_person=None if offer.new_account else signed_in,
            client=access().client(request),
        ),
    )
    if not isinstance(accepted, NexusError):
        detail = f"You are now a member of {accepted.tenant_name}."
        return _page(request, DONE_TEMPLATE, "Welcome", detail=detail, sign_in=signed_in is None)
    return _again(request, accepted, ACCEPT_TEMPLATE, title, form=form, **context)


@page
def verify_email_page(request: HttpRequest) -> HttpResponse:
    """Verify an address: the link shows what it confirms; the button confirms it."""
    title = "Verify your email address"
    try:
        offer = describe_verification(_key(request))
    except InvalidInput as unusable:
        return _refused(request, unusable, title)
    form = LinkForm(request.POST if request.method == "POST" else None, initial={"token": _key(request)})
    if request.method == "GET":
        return _page(request, VERIFY_TEMPLATE, title, form=form, offer=offer)
    verified = _run(form, lambda data: verify_email(data["token"], client=access().client(request)))
    if not isinstance(verified, NexusError):
        detail = f"Your address is verified; you are now a member of {verified.tenant_name}."
        return _page(request, DONE_TEMPLATE, "Address verified", detail=detail, sign_in=True)
    return _again(request, verified, VERIFY_TEMPLATE, title, form=form, offer=offer)


@page
def reset_password_page(request: HttpRequest) -> HttpResponse:
    """Choose a new password with a reset link's key or, without a key, ask for a link."""
    if "token" not in (request.POST if request.method == "POST" else request.GET):
        return _ask_for_link(request)
    title = "Choose a new password"
    try:
        check_password_reset_link(_key(request))
    except InvalidInput as unusable:
        return _refused(request, unusable, title, ask_form=EmailForm())
    form = NewPasswordForm(
        request.POST if request.method == "POST" else None, initial={"token": _key(request)}
    )
    if request.method == "GET":
        return _page(request, RESET_TEMPLATE, title, form=form)

    changed = _run(
        form,
        lambda data: confirm_password_reset(data["token"], data["password"], client=access().client(request)),
    )
    if not isinstance(changed, NexusError):
        return _page(request, DONE_TEMPLATE, "Password changed", detail=DONE_RESETTING, sign_in=True)
    return _again(request, changed, RESET_TEMPLATE, title, link_refused={"ask_form": EmailForm()}, form=form)


def _ask_for_link(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link: the same answer for every address, as over the API."""
    title = "Forgotten your password?"
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return _page(request, RESET_TEMPLATE, title, ask_form=form)

    asked = _run(form, lambda data: request_password_reset(data["email"], client=access().client(request)))
    if not isinstance(asked, NexusError):
        return _page(request, DONE_TEMPLATE, "Check your email", detail=RESET_ANSWER, sign_in=True)
    return _again(request, asked, RESET_TEMPLATE, title, ask_form=form)
