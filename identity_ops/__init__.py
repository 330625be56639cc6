"""Orchestrator: registration, membership lifecycle, MFA enrolment, reactions to authentication events."""
