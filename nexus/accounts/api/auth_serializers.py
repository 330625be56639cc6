"""Bodies of the login-security API: second factors, refresh, step-up, logins, service tokens, lockouts."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from nexus.tenancy.models import Role

SHOWN_ONCE = "Send it as 'Authorization: Token <token>'. Shown only now."


class CodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text="The 6-digit code of the app, or a recovery code.")


class MfaVerifyInputSerializer(CodeInputSerializer):
    challenge_id = serializers.CharField(max_length=128)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=SHOWN_ONCE)
    expires_at = serializers.DateTimeField()
    device_id = serializers.IntegerField(help_text="The login (device); its tokens form one family.")
    mfa_enrolment_required = serializers.BooleanField(
        help_text="True when this login may only set up a second factor (tenant policy)."
    )


class LoginAnswerSerializer(serializers.Serializer):
    """Either a token (done) or a challenge (send a code to /auth/mfa/verify/)."""

    status = serializers.ChoiceField(choices=["authenticated", "mfa_required", "mfa_enrolment_required"])
    token = serializers.CharField(required=False, help_text=SHOWN_ONCE)
    expires_at = serializers.DateTimeField(required=False)
    device_id = serializers.IntegerField(required=False)
    challenge_id = serializers.CharField(required=False)
    challenge_expires_in = serializers.IntegerField(required=False, help_text="Seconds.")
    mfa_enrol_by = serializers.DateTimeField(
        required=False, help_text="A tenant requires a second factor: set one up before this time."
    )


class StepUpOutputSerializer(serializers.Serializer):
    verified_at = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()


class PasswordChangeInputSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=4096, trim_whitespace=False)
    new_password = serializers.CharField(max_length=4096, trim_whitespace=False)


class PasswordChangeOutputSerializer(serializers.Serializer):
    ended_logins = serializers.IntegerField(help_text="How many other logins were ended.")


class LoginSerializer(serializers.Serializer):
    """One live login of the caller: a browser session or an API token's device."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    user_agent = serializers.CharField()
    ip_address = serializers.CharField()
    first_seen_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    token_prefix = serializers.CharField(allow_blank=True)
    mfa_verified_at = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField()


class RevokedCountSerializer(serializers.Serializer):
    ended_logins = serializers.IntegerField()


class MemberLoginsInputSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()


class ServiceTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    key_prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    vendor = serializers.IntegerField(
        source="vendor_id", allow_null=True, help_text="The one vendor it is bound to (null: none)."
    )
    created_by = serializers.CharField(source="created_by.email", default="", allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    suspended_at = serializers.DateTimeField(
        allow_null=True, help_text="Set while its owner may not work in the tenant; refused meanwhile."
    )
    suspension_reason = serializers.CharField(allow_blank=True)


class ServiceTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.CharField(max_length=150),
        allow_empty=False,
        help_text="Permission names ('inventory.view_product'), within your role in the tenant.",
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    vendor = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Bind it to one vendor (a vendor's integration): only the scopes offered to vendors, "
        "for that vendor's documents.",
    )


class ServiceTokenCreatedSerializer(ServiceTokenSerializer):
    token = serializers.CharField(help_text=SHOWN_ONCE)


class LockoutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    user_id = serializers.IntegerField(allow_null=True)
    ip_address = serializers.CharField()
    failures = serializers.IntegerField()
    locked_until = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField()


class AuthenticatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="label")
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)


class MfaStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    authenticators = AuthenticatorSerializer(many=True)
    recovery_codes_left = serializers.IntegerField()
    policy_requires_mfa = serializers.BooleanField(help_text="A tenant policy requires a second factor.")
    enrol_by = serializers.DateTimeField(allow_null=True)


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(child=serializers.CharField(), help_text="Shown only now.")


class MfaResetInputSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class MfaResetOutputSerializer(serializers.Serializer):
    removed_authenticators = serializers.IntegerField()


class TenantPoliciesSerializer(serializers.Serializer):
    """The tenant's policies; null (or absent from the stored policies) means the default applies."""

    self_signup = serializers.BooleanField(allow_null=True, required=False, help_text="Anyone may sign up.")
    over_receipt_tolerance_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        allow_null=True,
        required=False,
        help_text="How far a receipt may exceed the ordered quantity (percent; default 0).",
    )
    mfa_required_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=[*Role.values, "all"]),
        allow_null=True,
        required=False,
        help_text='Roles that must use a second factor (["all"] for every role; default: the staff roles).',
    )
    mfa_grace_days = serializers.IntegerField(min_value=0, max_value=365, allow_null=True, required=False)
    session_lifetime_minutes = serializers.IntegerField(
        min_value=5, max_value=60 * 24 * 30, allow_null=True, required=False
    )
    refresh_grace_seconds = serializers.IntegerField(
        min_value=0, max_value=300, allow_null=True, required=False
    )
    step_up_minutes = serializers.IntegerField(
        min_value=1, max_value=24 * 60, allow_null=True, required=False
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        policies = dict(instance.policies or {})
        if policies.get("mfa_required_roles") == "all":
            policies["mfa_required_roles"] = ["all"]
        return {name: policies.get(name) for name, _field in self.fields.items()}

    def to_policies(self) -> dict[str, Any]:
        """The validated changes as stored: decimals as text, ``["all"]`` as ``"all"``."""
        changes = dict(self.validated_data)
        tolerance = changes.get("over_receipt_tolerance_percent")
        if tolerance is not None:
            changes["over_receipt_tolerance_percent"] = str(tolerance)
        if changes.get("mfa_required_roles") and "all" in changes["mfa_required_roles"]:
            changes["mfa_required_roles"] = "all"
        return changes
