"""Admin screens of the supply-chain workflow records (and only of them)."""

from . import landed_costs  # noqa: F401  (registers its screens and queues)
