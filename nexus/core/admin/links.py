"""Links to a record's admin page, for list columns and for messages that name a document."""

from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString


def change_url(model_label: str, pk: object) -> str | None:
    """The admin change page of ``app_label.modelname`` row ``pk``; None when it has no admin."""
    app_label, _, model_name = model_label.lower().partition(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


def linked(text: object, url: str | None) -> SafeString:
    """``text`` as a link to ``url``, or just escaped ``text`` without one."""
    return format_html('<a href="{}">{}</a>', url, text) if url else format_html("{}", text)


def admin_link(obj: Model, text: object = None) -> SafeString:
    """The record named (by its ``str``, e.g. its number) as a link to its admin page."""
    return linked(obj if text is None else text, change_url(obj._meta.label_lower, obj.pk))
