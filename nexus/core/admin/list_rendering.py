"""Change lists rendered in time that grows with their rows, not with rows times columns.

Unfold 0.91 (pinned in ``pyproject.toml``) recomputes every column header for each row of a
change list: its ``items_for_result`` calls ``result_headers(cl)`` once per row, and each call
renders the select-all checkbox through the template engine and builds three ordering query
strings per sortable column. The headers depend only on the change list, so they are computed
once per change list here. The row checkbox, rendered through its template for every row, is
rendered once per field name and its value substituted, escaped. On a 50-row sales-order list
the two were about a third of the page's time. Both keep Unfold's markup exactly (tested).

The row template also asks every row for ``cl.model_admin.list_sections``, which Unfold's
``ModelAdmin`` does not define: the template engine then lists the admin's attributes with
``dir()`` to tell a missing attribute from a failing property, twice a row (about a tenth of the
page). An empty default answers the same "no sections" at once. On an Unfold upgrade, check
whether these are still needed.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.forms import Widget
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Stands for the row's value in the markup rendered once.
_MARK = "nexus-row-value-mark"
_HEADERS_ATTRIBUTE = "_nexus_result_headers"


class PrerenderedCheckbox:
    """A checkbox widget's markup rendered once per name; each row substitutes its value.

    Falls back to the widget for anything but a plain string value with no extra attributes.
    """

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self._markup: dict[str, tuple[str, str]] = {}

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if attrs is not None or renderer is not None or not isinstance(value, str) or not value:
            return self.widget.render(name, value, attrs, renderer)
        parts = self._markup.get(name)
        if parts is None:
            before, found, after = self.widget.render(name, _MARK).partition(f'value="{_MARK}"')
            if not found:
                return self.widget.render(name, value)
            parts = self._markup[name] = (before, after)
        return mark_safe(f'{parts[0]}value="{escape(value)}"{parts[1]}')  # noqa: S308 - escaped value


def headers_once_per_change_list(
    result_headers: Callable[[Any], Iterator[dict[str, Any]]],
) -> Callable[[Any], Any]:
    """``result_headers`` computed on a change list's first call and reused by its rows."""

    def cached(cl: Any) -> list[dict[str, Any]]:
        headers = getattr(cl, _HEADERS_ATTRIBUTE, None)
        if headers is None:
            headers = list(result_headers(cl))
            setattr(cl, _HEADERS_ATTRIBUTE, headers)
        return list(headers)

    cached.__wrapped__ = result_headers  # type: ignore[attr-defined]
    return cached


def install() -> None:
    """Apply all three to Unfold's change list (from the kernel's ``AppConfig.ready``; idempotent)."""
    import unfold.admin
    import unfold.templatetags.unfold_list as unfold_list

    if not hasattr(unfold_list.result_headers, "__wrapped__"):
        unfold_list.result_headers = headers_once_per_change_list(unfold_list.result_headers)
    if not isinstance(unfold.admin.checkbox, PrerenderedCheckbox):
        unfold.admin.checkbox = PrerenderedCheckbox(unfold.admin.checkbox)
    if not hasattr(unfold.admin.ModelAdmin, "list_sections"):
        setattr(unfold.admin.ModelAdmin, "list_sections", ())  # noqa: B010 (no such attribute to type)
