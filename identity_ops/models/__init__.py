"""Workflow records of the identity flows."""

from .invitations import Invitation, InvitationStatus
from .mfa import MfaEnrolment, MfaEnrolmentStatus
from .registrations import Registration, RegistrationSource, RegistrationStatus

__all__ = [
    "Invitation",
    "InvitationStatus",
    "MfaEnrolment",
    "MfaEnrolmentStatus",
    "Registration",
    "RegistrationSource",
    "RegistrationStatus",
]
