"""Workflow records of the identity flows."""

from .invitations import Invitation, InvitationStatus
from .link_keys import LinkKey
from .mfa import MfaEnrolment, MfaEnrolmentStatus
from .registrations import Registration, RegistrationSource, RegistrationStatus

__all__ = [
    "Invitation",
    "InvitationStatus",
    "LinkKey",
    "MfaEnrolment",
    "MfaEnrolmentStatus",
    "Registration",
    "RegistrationSource",
    "RegistrationStatus",
]
