"""Links to a record's admin page, for list columns and for messages that name a document."""

import functools
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db.models import Model, Q
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


NUMBER_FIELD = "number"


@functools.cache
def numbered_models() -> dict[str, type[Model]]:
    """Every model with a ``number`` (documents: ``PO-…``, ``GR-…``), by ``app_label.modelname``."""
    found: dict[str, type[Model]] = {}
    for model in apps.get_models():
        if any(field.name == NUMBER_FIELD for field in model._meta.concrete_fields):
            found[model._meta.label_lower] = model
    return found


def document_numbers(refs: Iterable[tuple[str, int | None]]) -> dict[tuple[str, int], str]:
    """The numbers of the referenced documents, one query per document type.

    A reference to a model without a number, or to a row that is not visible, is left out.
    """
    wanted: dict[str, set[int]] = defaultdict(set)
    for label, pk in refs:
        if label in numbered_models() and pk is not None:
            wanted[label].add(pk)
    numbers: dict[tuple[str, int], str] = {}
    for label, ids in wanted.items():
        rows = numbered_models()[label]._default_manager.filter(pk__in=ids).values_list("pk", NUMBER_FIELD)
        numbers.update({(label, pk): str(number) for pk, number in rows})
    return numbers


def documents_numbered(term: str, *, type_field: str, id_field: str) -> Q:
    """Rows referencing (by ``type_field`` and ``id_field``) a document whose number is ``term``."""
    matches = Q(pk__in=[])
    for label, model in numbered_models().items():
        numbered = model._default_manager.filter(**{f"{NUMBER_FIELD}__iexact": term}).values("pk")
        matches |= Q(**{type_field: label, f"{id_field}__in": numbered})
    return matches
