"""Kernel admin screens; each module registers its own."""

from . import audit  # noqa: F401  (registers the audit-event screens)
from . import outbox  # noqa: F401  (registers the outbox screens)
from . import transitions  # noqa: F401  (registers the transition log; the mixin for models)
