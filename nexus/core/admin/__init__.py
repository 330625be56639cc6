"""Kernel admin screens; each module registers its own."""

from . import (
    audit,  # noqa: F401  (registers the audit-event screens)
    outbox,  # noqa: F401  (registers the outbox screens)
    transitions,  # noqa: F401  (registers the transition log; the mixin for models)
)
