"""Breadcrumbs for the admin's custom pages, shown as the page's title in the header.

Unfold builds the title of its own screens from the model (app, list, object). A custom page
about an object (a product's available-to-promise, say) names its trail with
``object_breadcrumbs`` and passes it as ``breadcrumbs`` in its context; the last crumb is the
page itself, without a link.
"""

from typing import Any

from django.apps import apps
from django.contrib.admin.utils import quote
from django.urls import reverse


def object_breadcrumbs(model_label: str, pk: Any, label: str, page: str) -> list[dict[str, str]]:
    """The trail to a page about one object: its app, its list, the object, then the page.

    ``model_label`` is ``"app_label.ModelName"``, so that an orchestrator can name a domain's
    model without importing it.
    """
    opts = apps.get_model(model_label)._meta
    info = opts.app_label, opts.model_name
    return [
        {
            "title": str(opts.app_config.verbose_name),
            "link": reverse("admin:app_list", args=[opts.app_label]),
        },
        {"title": str(opts.verbose_name_plural), "link": reverse("admin:{}_{}_changelist".format(*info))},
        {"title": label, "link": reverse("admin:{}_{}_change".format(*info), args=[quote(pk)])},
        {"title": page},
    ]
