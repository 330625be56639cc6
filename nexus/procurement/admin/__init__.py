"""Procurement in the admin: vendors and terms, purchase orders, receipts, bills, requisitions."""

from . import bills, purchasing, requisitions, vendors  # noqa: F401  (each registers its screens)
