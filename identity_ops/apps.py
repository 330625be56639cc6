from django.apps import AppConfig


class IdentityOpsConfig(AppConfig):
    name = "identity_ops"
    label = "identity_ops"
    verbose_name = "Identity operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .retention import register_invitation_purge_rule, register_link_key_purge_rule

        register_invitation_purge_rule()
        register_link_key_purge_rule()
        declare_transition_writes()


def declare_transition_writes() -> None:
    """What the identity transitions write, whoever performs them (docs/kernel.md).

    Memberships and accounts are the domains' models, named through ``wiring``; the writes reach
    the domains through the contracts.
    """
    from nexus.core.transitions import declare_writes

    from .models import Invitation, MfaEnrolment, Registration
    from .wiring import membership_model, user_model
    from .workflows import invitations, lifecycle, mfa_enrolment, registration

    declare_writes(membership_model(), lifecycle.MEMBERSHIP_TRANSITIONS, lifecycle.membership_changed)
    declare_writes(user_model(), lifecycle.PERSON_TRANSITIONS, lifecycle.person_changed)
    declare_writes(Invitation, "revoke", invitations.withdraw_revoked)
    declare_writes(Invitation, "expire", invitations.withdraw_expired)
    declare_writes(Registration, "expire", registration.withdraw_expired)
    declare_writes(MfaEnrolment, "cancel", mfa_enrolment.discard_authenticator)
