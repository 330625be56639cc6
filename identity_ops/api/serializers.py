"""Bodies and resources of the identity API."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from identity_ops.models import Invitation, Registration
from identity_ops.wiring import membership_model, tenants, user_model
from nexus.core.api.transitions import AVAILABLE_TRANSITION, AvailableTransitionsField
from nexus.core.transitions import available_transitions
from nexus.core.transitions.idempotency import MAX_KEY_LENGTH


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in tenants().roles()]


@extend_schema_field(AVAILABLE_TRANSITION)
class ExposedTransitionsField(AvailableTransitionsField):
    """The transitions the caller may perform now, among those this resource exposes."""

    def __init__(self, names: Sequence[str], permission: str = "", **kwargs: Any) -> None:
        self.names = tuple(names)
        self.permission = permission
        super().__init__(**kwargs)

    def to_representation(self, instance: Model) -> list[dict[str, Any]]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        opts = instance._meta
        needed = self.permission or f"{opts.app_label}.change_{opts.model_name}"
        if not user.has_perm(needed):
            return []
        return [
            choice.as_dict() for choice in available_transitions(instance, user) if choice.name in self.names
        ]


# -- anonymous flows ------------------------------------------------------------------------


class SignUpSerializer(serializers.Serializer):
    tenant = serializers.SlugField(max_length=63, help_text="The slug of the tenant to join.")
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(
        max_length=MAX_KEY_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Send the same key to retry safely: a retry never registers twice.",
    )


class AcceptedAnswerSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=256, help_text="The key from the emailed link.")


class ResendVerificationSerializer(serializers.Serializer):
    tenant = serializers.SlugField(max_length=63)
    email = serializers.CharField(max_length=254)


class VerifiedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    tenant = serializers.CharField(help_text="The tenant's slug.")
    tenant_name = serializers.CharField()
    email = serializers.EmailField()


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=256)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class AcceptInvitationSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=256)
    password = serializers.CharField(
        max_length=4096,
        trim_whitespace=False,
        required=False,
        allow_blank=True,
        default="",
        style={"input_type": "password"},
        help_text="Required for a new account; an existing account keeps its password.",
    )
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class AcceptedInvitationSerializer(serializers.Serializer):
    detail = serializers.CharField()
    tenant = serializers.CharField(help_text="The tenant's slug.")
    tenant_name = serializers.CharField()
    email = serializers.EmailField()
    new_account = serializers.BooleanField()


# -- invitations ----------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.SerializerMethodField()
    role_label = serializers.SerializerMethodField()
    available_transitions = ExposedTransitionsField(names=("revoke",))

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "role_label",
            "status",
            "invited_by",
            "expires_at",
            "sent_count",
            "last_sent_at",
            "accepted_at",
            "revoked_at",
            "expired_at",
            "created_at",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_invited_by(self, invitation: Invitation) -> str | None:
        return invitation.invited_by.email if invitation.invited_by_id else None  # type: ignore[union-attr]

    def get_role_label(self, invitation: Invitation) -> str:
        return dict(role_choices()).get(invitation.role, invitation.role)


class InviteSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    role = serializers.ChoiceField(choices=[])
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices()  # type: ignore[attr-defined]


# -- members and people ---------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    """A membership of the tenant, as its administrators see it (no transitions: cheap for lists)."""

    user_id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = membership_model()
        fields = [
            "id",
            "user_id",
            "email",
            "full_name",
            "role",
            "role_label",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MemberDetailSerializer(MemberSerializer):
    available_transitions = ExposedTransitionsField(names=("suspend", "reinstate", "remove"))

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "available_transitions"]
        read_only_fields = fields


class ChangeRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices()  # type: ignore[attr-defined]


class UserSerializer(serializers.ModelSerializer):
    available_transitions = ExposedTransitionsField(
        names=("activate", "suspend", "reinstate", "deactivate", "reactivate")
    )

    class Meta:
        model = user_model()
        fields = [
            "id",
            "email",
            "full_name",
            "status",
            "is_platform_operator",
            "email_verified_at",
            "last_login",
            "date_joined",
            "available_transitions",
        ]
        read_only_fields = fields


class TenantRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()


class MyMembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tenant = TenantRefSerializer()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    status = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    status = serializers.CharField()
    is_platform_operator = serializers.BooleanField()
    email_verified_at = serializers.DateTimeField(allow_null=True)
    date_joined = serializers.DateTimeField()
    memberships = MyMembershipSerializer(many=True)
    current_tenant = serializers.CharField(
        allow_null=True, help_text="The slug of the tenant this request named."
    )
    permissions = serializers.ListField(
        child=serializers.CharField(), help_text="What the caller may do in the current tenant."
    )


class DeactivateSelfSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why you close your account (kept in its history)."
    )


class RegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = [
            "id",
            "source",
            "email",
            "full_name",
            "role",
            "status",
            "created_user",
            "created_membership",
            "expires_at",
            "completed_at",
            "expired_at",
            "created_at",
        ]
        read_only_fields = fields
