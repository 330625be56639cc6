"""Credit notes in the admin."""

from nexus.core.admin.navigation import Group, register_screen
from nexus.receivable.models import CreditNote

from . import credit_notes  # noqa: F401  (registers the screens)

register_screen(Group.RETURNS_AND_COSTS, model=CreditNote, icon="assignment_return", order=10)
