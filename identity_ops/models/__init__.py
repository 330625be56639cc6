"""Workflow records of the identity flows."""

from .mfa import MfaEnrolment, MfaEnrolmentStatus

__all__ = ["MfaEnrolment", "MfaEnrolmentStatus"]
