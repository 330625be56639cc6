"""The forms of the emailed links' pages: they parse; the identity workflows decide.

The key travels in a hidden field of the form, so only its POST uses the link up. Passwords
are judged by the workflows (Django's validators, against the account's own data); the forms
only ask for them twice.
"""

from typing import Any

from django import forms
from unfold.widgets import UnfoldAdminEmailInputWidget, UnfoldAdminPasswordWidget, UnfoldAdminTextInputWidget

KEY_LENGTH = 256  # as the API's serializers
PASSWORD_LENGTH = 4096


class LinkForm(forms.Form):
    """A form whose POST uses up the emailed link's key."""

    token = forms.CharField(max_length=KEY_LENGTH, widget=forms.HiddenInput)


class NewPasswordForm(LinkForm):
    """A password typed twice; the workflow checks it with Django's validators."""

    password = forms.CharField(
        label="New password",
        max_length=PASSWORD_LENGTH,
        strip=False,
        widget=UnfoldAdminPasswordWidget(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    password_again = forms.CharField(
        label="New password again",
        max_length=PASSWORD_LENGTH,
        strip=False,
        widget=UnfoldAdminPasswordWidget(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first is not None and second is not None and first != second:
            self.add_error("password_again", "The two passwords differ; type the same password twice.")
        return cleaned


class NewAccountForm(NewPasswordForm):
    """Accepting an invitation with a new account: a name (optional) and the password."""

    full_name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        widget=UnfoldAdminTextInputWidget(attrs={"autocomplete": "name"}),
    )
    field_order = ["token", "full_name", "password", "password_again"]


class EmailForm(forms.Form):
    """Asking for a password reset link."""

    email = forms.CharField(
        label="Email address",
        max_length=254,
        widget=UnfoldAdminEmailInputWidget(attrs={"autocomplete": "email", "autofocus": True}),
    )
