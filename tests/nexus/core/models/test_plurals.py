"""Every model's plural is English: "outbox deliveries", not "outbox deliverys"."""

import re

from django.apps import apps

# Django's default plural adds an "s": wrong after a consonant and "y", or after s, x, ch, sh.
NAIVE_PLURAL = re.compile(r"([^aeiou]y|s|x|ch|sh)s$")


def test_no_model_keeps_a_naive_plural():
    wrong = [
        f"{model._meta.label}: {model._meta.verbose_name_plural}"
        for model in apps.get_models()
        if NAIVE_PLURAL.search(str(model._meta.verbose_name_plural))
        and str(model._meta.verbose_name_plural) == f"{model._meta.verbose_name}s"
    ]

    assert wrong == []
