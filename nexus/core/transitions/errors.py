"""Errors of the transition service that the kernel's error family does not already name."""

from collections.abc import Sequence

from django.db import models
from django.utils.text import capfirst

from nexus.core.errors import NotFound


class UnknownTransition(NotFound):
    """The model declares no transition of that name (a typo in code, or a URL guessed wrong)."""

    code = "unknown_transition"

    def __init__(self, model: type[models.Model], name: str, declared: Sequence[str]) -> None:
        choices = ", ".join(declared) or "none"
        super().__init__(
            f"{capfirst(model._meta.verbose_name)} has no transition {name!r} (declared: {choices})."
        )
        self.model = model
        self.name = name
