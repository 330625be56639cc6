"""The identity admin: people (platform operators), memberships, invitations and registrations per tenant.

Every button, action and form runs an identity flow; state fields are read-only everywhere.
"""

from identity_ops.models import Invitation, Registration
from identity_ops.wiring import membership_model, user_model
from nexus.core.admin.navigation import Group, register_screen

from . import invitations, memberships, mfa, people, registrations  # noqa: F401  (each registers its screens)

register_screen(Group.PEOPLE_AND_ACCESS, model=membership_model(), title="Members", icon="badge", order=10)
register_screen(Group.PEOPLE_AND_ACCESS, model=Invitation, icon="forward_to_inbox", order=20)
register_screen(Group.PEOPLE_AND_ACCESS, model=Registration, icon="how_to_reg", order=30)
register_screen(Group.PEOPLE_AND_ACCESS, model=user_model(), title="People", icon="person", order=40)
