"""Kernel admin screens; each module registers its own."""

from . import (
    audit,  # noqa: F401  (registers the audit-event screens)
    exchange_rates,  # noqa: F401  (registers the exchange-rate screen)
    outbox,  # noqa: F401  (registers the outbox screens)
    transitions,  # noqa: F401  (registers the transition log; the mixin for models)
)
