"""Credit notes in the admin."""

from . import credit_notes  # noqa: F401  (registers the screens)
