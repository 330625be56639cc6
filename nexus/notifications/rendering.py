"""Render a notification's subject and bodies from ``templates/notifications/<name>/``.

``subject.txt`` and ``body.txt`` are required, ``body.html`` is optional. The text parts are
rendered without HTML escaping (they are plain text); the HTML part is escaped as usual. The
context is the notification's stored context plus ``recipient`` and ``tenant``.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, TemplateDoesNotExist, engines

TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class RenderingFailed(Exception):
    """A notification's templates are missing or do not render; the message says which."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    body_html: str


def _engine() -> Engine:
    return engines["django"].engine  # type: ignore[attr-defined]


def template_path(template: str, part: str) -> str:
    return f"notifications/{template}/{part}"


def _render(template: str, part: str, context: Mapping[str, Any], *, autoescape: bool) -> str:
    path = template_path(template, part)
    try:
        compiled = _engine().get_template(path)
        return compiled.render(Context(dict(context), autoescape=autoescape))
    except TemplateDoesNotExist as exc:
        raise RenderingFailed(f"Template {path!r} does not exist.") from exc
    except Exception as exc:
        raise RenderingFailed(f"Template {path!r} failed to render: {type(exc).__name__}: {exc}") from exc


def _has_part(template: str, part: str) -> bool:
    try:
        _engine().find_template(template_path(template, part))
    except TemplateDoesNotExist:
        return False
    return True


def render_message(template: str, context: Mapping[str, Any]) -> RenderedMessage:
    """Render the three parts; raise ``RenderingFailed`` naming the part that failed."""
    if not TEMPLATE_NAME.match(template):
        raise RenderingFailed(f"{template!r} is not a notification template name.")
    # A subject is one line: template newlines (and a trailing one) must not reach the header.
    subject = " ".join(_render(template, "subject.txt", context, autoescape=False).split())
    if not subject:
        raise RenderingFailed(f"Template {template_path(template, 'subject.txt')!r} rendered empty.")
    body = _render(template, "body.txt", context, autoescape=False).strip() + "\n"
    body_html = ""
    if _has_part(template, "body.html"):
        body_html = _render(template, "body.html", context, autoescape=True).strip()
    return RenderedMessage(subject=subject[:255], body=body, body_html=body_html)
