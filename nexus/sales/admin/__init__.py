"""Sales in the admin: customers, sales orders and shipments."""

from . import customers, orders  # noqa: F401  (each registers its screens)
