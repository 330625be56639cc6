"""The login-security API: second factor, refresh, step-up, password, logins, service tokens, lockouts.

Each view parses its input, calls one operation of ``nexus.accounts`` and renders the result.
Operations that step-up guards (creating a service token, ending another person's logins,
replacing recovery codes, removing a factor) carry ``RequiresRecentMfa``: 403 ``mfa_required``
until the caller proves a code at ``/auth/step-up/``.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.accounts import lockout, service_token_owners, service_tokens, token_families
from nexus.accounts.client import client_info
from nexus.accounts.login import Via
from nexus.accounts.login_flow import (
    LoginOutcome,
    answer_challenge,
    change_password,
    current_device,
    prove_step_up,
)
from nexus.accounts.mfa import authenticators, recovery_codes
from nexus.accounts.mfa.challenges import lifetime_seconds
from nexus.accounts.mfa.policy import login_policy
from nexus.accounts.models import LoginThrottle, LoginToken, TotpAuthenticator, User
from nexus.core.api.base import NexusAPIView
from nexus.core.api.permissions import IsPerson
from nexus.core.api.transitions import ERROR_BODY
from nexus.core.errors import InvalidInput, NotAuthenticated, NotFound
from nexus.core.models.refs import ActorRef
from nexus.core.stepup import RequiresRecentMfa, recency_provider, require_recent_mfa
from nexus.tenancy.policies import SECURITY_POLICIES, change_policies

from . import auth_serializers as s
from .auth_permissions import IsPlatformOperator, IsTenantAdmin

TAG = ["auth"]


def login_answer(outcome: LoginOutcome) -> dict[str, Any]:
    """The body answering a login step: a challenge, or the token (perhaps enrolment-only)."""
    if outcome.challenge is not None:
        return {
            "status": "mfa_required",
            "challenge_id": outcome.challenge.id,
            "challenge_expires_in": lifetime_seconds(),
        }
    assert outcome.token is not None
    assert outcome.device is not None
    answer = {
        "status": "mfa_enrolment_required" if outcome.enrolment_only else "authenticated",
        "token": outcome.token.key,
        "expires_at": outcome.token.token.expires_at,
        "device_id": outcome.device.pk,
    }
    if outcome.policy.enrol_by is not None and not outcome.device.mfa_verified_at:
        answer["mfa_enrol_by"] = outcome.policy.enrol_by
    return answer


class GlobalView(NexusAPIView):
    """A view about the caller, whatever tenant is named."""

    tenant_required = False
    permission_classes = [IsPerson]


class MfaVerifyView(GlobalView):
    """Second step of a login: the code (or a recovery code) for the challenge the password gave."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        summary="Finish a login with a second factor",
        request=s.MfaVerifyInputSerializer,
        responses={
            200: s.LoginAnswerSerializer,
            400: OpenApiResponse(
                ERROR_BODY,
                description="invalid_code (attempts left in the detail), or mfa_challenge_invalid "
                "(expired, used, closed after too many codes, or another client).",
            ),
        },
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        body = s.MfaVerifyInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = answer_challenge(
            request, body.validated_data["challenge_id"], body.validated_data["code"], via=Via.TOKEN
        )
        return Response(s.LoginAnswerSerializer(login_answer(outcome)).data)


class RefreshView(GlobalView):
    """Swap the presented token for a new one of its family; the old one stops working at once."""

    # Its answer holds a secret shown once: never stored for an Idempotency-Key.
    idempotent_posts = False
    # A retry with the token just replaced gets the same new token back (within the grace).
    refresh_retry_allowed = True

    @extend_schema(
        summary="Refresh (rotate) the login token",
        description="A refresh retried with the token it replaced, within the tenant's refresh grace "
        "(refresh_grace_seconds), answers the same new token again.",
        request=None,
        responses={
            200: s.TokenOutputSerializer,
            401: OpenApiResponse(
                ERROR_BODY,
                description="Not a usable token. Presenting a token already replaced by a refresh "
                "ends its whole login (replay), except a refresh retried within the grace period.",
            ),
        },
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, LoginToken):
            raise InvalidInput("Only an API token can be refreshed; browser sessions renew themselves.")
        try:
            refreshed = token_families.rotate(token, client_info(request))
        except token_families.TokenReplayed:
            raise NotAuthenticated(
                "This token was already replaced by a refresh; the login has been ended as a precaution.",
                code="token_replayed",
            ) from None
        except token_families.TokenUnusable:
            raise NotAuthenticated("The token is invalid, expired or revoked.") from None
        issued = refreshed.issued
        data = {
            "token": issued.key,
            "expires_at": issued.token.expires_at,
            "device_id": issued.token.device_id,
            "mfa_enrolment_required": token.device.enrolment_only,
        }
        return Response(s.TokenOutputSerializer(data).data)


class StepUpView(GlobalView):
    """Prove a fresh second factor to unlock sensitive actions for a few minutes."""

    @extend_schema(
        summary="Step up: prove a fresh code",
        request=s.CodeInputSerializer,
        responses={
            200: s.StepUpOutputSerializer,
            400: OpenApiResponse(ERROR_BODY, description="invalid_code"),
        },
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        body = s.CodeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        verified = prove_step_up(request, body.validated_data["code"])
        valid_until = verified + recency_provider().window(request)
        return Response(s.StepUpOutputSerializer({"verified_at": verified, "valid_until": valid_until}).data)


class PasswordChangeView(GlobalView):
    """Change one's password; every other login ends, this one stays."""

    @extend_schema(
        summary="Change your password",
        request=s.PasswordChangeInputSerializer,
        responses={200: s.PasswordChangeOutputSerializer, 400: OpenApiResponse(ERROR_BODY)},
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        body = s.PasswordChangeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ended = change_password(
            request, body.validated_data["current_password"], body.validated_data["new_password"]
        )
        return Response(s.PasswordChangeOutputSerializer({"ended_logins": ended}).data)


def _login_rows(request: Request, user: User) -> list[dict[str, Any]]:
    current = current_device(request)
    rows = []
    for device in token_families.live_logins(user.pk):
        token = getattr(device, "live_token", None)
        rows.append(
            {
                "id": device.pk,
                "kind": device.kind,
                "user_agent": device.user_agent,
                "ip_address": device.ip_address,
                "first_seen_at": device.first_seen_at,
                "last_seen_at": device.last_seen_at,
                "expires_at": token.expires_at if token else None,
                "token_prefix": token.key_prefix if token else "",
                "mfa_verified_at": device.mfa_verified_at,
                "current": current is not None and current.pk == device.pk,
            }
        )
    return rows


class LoginListView(GlobalView):
    """The caller's live logins (browser sessions and API tokens), most recently used first."""

    @extend_schema(summary="Your live logins", responses={200: s.LoginSerializer(many=True)}, tags=TAG)
    def get(self, request: Request) -> Response:
        return Response(s.LoginSerializer(_login_rows(request, request.user), many=True).data)  # type: ignore[arg-type]


class LoginRevokeView(GlobalView):
    @extend_schema(
        summary="End one of your logins",
        request=None,
        responses={204: None, 404: OpenApiResponse(ERROR_BODY)},
        tags=TAG,
    )
    def post(self, request: Request, pk: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        token_families.end_login(user, pk, revoked_by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoginRevokeOthersView(GlobalView):
    @extend_schema(
        summary="End every other login of yours",
        request=None,
        responses={200: s.RevokedCountSerializer},
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        keep = current_device(request)
        ended = token_families.end_other_logins(
            user,
            keep_device_id=keep.pk if keep else None,
            reason=token_families.REASON_OTHERS_REVOKED,
            revoked_by=ActorRef.for_user(user),
        )
        return Response(s.RevokedCountSerializer({"ended_logins": ended}).data)


class MemberLoginsRevokeView(NexusAPIView):
    """A tenant admin ends every login of a member of the tenant (step-up required)."""

    permission_classes = [IsTenantAdmin, RequiresRecentMfa]

    @extend_schema(
        summary="End every login of a member",
        request=s.MemberLoginsInputSerializer,
        responses={
            200: s.RevokedCountSerializer,
            403: OpenApiResponse(
                ERROR_BODY, description="Not a tenant admin, or mfa_required (step up first)."
            ),
            404: OpenApiResponse(ERROR_BODY, description="Not a member of this tenant."),
        },
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        body = s.MemberLoginsInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tenant = request.tenant  # type: ignore[attr-defined]
        member = User.objects.filter(
            pk=body.validated_data["user_id"], memberships__tenant_id=tenant.pk
        ).first()
        if member is None:
            raise NotFound("No such member in this tenant.")
        ended = token_families.end_other_logins(
            member,
            keep_device_id=None,
            reason=token_families.REASON_BY_ADMIN,
            revoked_by=ActorRef.for_user(request.user),
        )
        return Response(s.RevokedCountSerializer({"ended_logins": ended}).data)


class ServiceTokenListView(NexusAPIView):
    """The tenant's live service tokens; a tenant admin creates one (step-up required)."""

    # Its answer holds a secret shown once: never stored for an Idempotency-Key.
    idempotent_posts = False

    permission_classes = [IsTenantAdmin]

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsTenantAdmin(), RequiresRecentMfa()]
        return list(super().get_permissions())

    @extend_schema(
        summary="Service tokens of the tenant", responses={200: s.ServiceTokenSerializer(many=True)}, tags=TAG
    )
    def get(self, request: Request) -> Response:
        tokens = service_tokens.tenant_service_tokens(request.tenant.pk)  # type: ignore[attr-defined]
        return Response(s.ServiceTokenSerializer(tokens, many=True).data)

    @extend_schema(
        summary="Create a service token",
        request=s.ServiceTokenCreateSerializer,
        responses={
            201: s.ServiceTokenCreatedSerializer,
            400: OpenApiResponse(ERROR_BODY, description="Blank name, scopes beyond your role, bad expiry."),
            403: OpenApiResponse(
                ERROR_BODY, description="Not a tenant admin, or mfa_required (step up first)."
            ),
        },
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        body = s.ServiceTokenCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = service_tokens.create_service_token(
            creator=request.user,  # type: ignore[arg-type]
            tenant_id=request.tenant.pk,  # type: ignore[attr-defined]
            name=body.validated_data["name"],
            scopes=body.validated_data["scopes"],
            expires_at=body.validated_data.get("expires_at"),
            vendor_id=body.validated_data.get("vendor"),
        )
        data = {**s.ServiceTokenSerializer(created.token).data, "token": created.key}
        return Response(s.ServiceTokenCreatedSerializer(data).data, status=status.HTTP_201_CREATED)


class ServiceTokenRevokeView(NexusAPIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(
        summary="Revoke a service token",
        request=None,
        responses={204: None, 404: OpenApiResponse(ERROR_BODY)},
        tags=TAG,
    )
    def post(self, request: Request, pk: int) -> Response:
        service_tokens.revoke_service_token(pk, tenant_id=request.tenant.pk, revoked_by=request.user)  # type: ignore[attr-defined, arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceTokenTakeOverView(NexusAPIView):
    """Another administrator becomes the owner of a token (a suspended one resumes); step-up, audited."""

    permission_classes = [IsTenantAdmin, RequiresRecentMfa]

    @extend_schema(
        summary="Take over a service token",
        request=None,
        responses={
            200: s.ServiceTokenSerializer,
            400: OpenApiResponse(ERROR_BODY, description="The token may do what your role may not."),
            403: OpenApiResponse(ERROR_BODY, description="Not a tenant admin, or mfa_required."),
            404: OpenApiResponse(ERROR_BODY),
            409: OpenApiResponse(ERROR_BODY, description="already_owner"),
        },
        tags=TAG,
    )
    def post(self, request: Request, pk: int) -> Response:
        token = service_token_owners.take_over_service_token(
            pk,
            tenant_id=request.tenant.pk,  # type: ignore[attr-defined]
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(s.ServiceTokenSerializer(token).data)


class LockoutListView(NexusAPIView, generics.ListAPIView):
    """Members of the tenant whose sign-in is cooling off after repeated failures (paginated)."""

    permission_classes = [IsTenantAdmin]
    serializer_class = s.LockoutSerializer

    def get_queryset(self) -> QuerySet[LoginThrottle]:
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a tenant
            return LoginThrottle.objects.none()
        return lockout.lockouts_of_tenant_members(self.request.tenant.pk)  # type: ignore[attr-defined]

    @extend_schema(summary="Current lockouts of members", tags=TAG)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class LockoutClearView(NexusAPIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(
        summary="Clear a member's lockout",
        request=None,
        responses={204: None, 404: OpenApiResponse(ERROR_BODY)},
        tags=TAG,
    )
    def post(self, request: Request, pk: int) -> Response:
        if not lockout.lockouts_of_tenant_members(request.tenant.pk).filter(pk=pk).exists():  # type: ignore[attr-defined]
            raise NotFound("No such lockout among this tenant's members.")
        lockout.clear_lockout(pk, cleared_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MfaStatusView(GlobalView):
    """The caller's second factors and whether a tenant requires one."""

    mfa_enrolment_allowed = True

    @extend_schema(summary="Your second factors", responses={200: s.MfaStatusSerializer}, tags=TAG)
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        confirmed = TotpAuthenticator.objects.filter(user=user, confirmed_at__isnull=False).order_by(
            "created_at"
        )
        policy = login_policy(user)
        data = {
            "enabled": confirmed.exists(),
            "authenticators": list(confirmed),
            "recovery_codes_left": recovery_codes.remaining_recovery_codes(user.pk),
            "policy_requires_mfa": policy.mfa_required,
            "enrol_by": policy.enrol_by,
        }
        return Response(s.MfaStatusSerializer(data).data)


class RecoveryCodesView(GlobalView):
    """Replace the caller's recovery codes (step-up required); the new ones are shown once."""

    # Its answer holds a secret shown once: never stored for an Idempotency-Key.
    idempotent_posts = False

    permission_classes = [IsPerson, RequiresRecentMfa]

    @extend_schema(
        summary="New recovery codes",
        request=None,
        responses={
            200: s.RecoveryCodesSerializer,
            403: OpenApiResponse(ERROR_BODY, description="mfa_required"),
        },
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        if not authenticators.has_confirmed_mfa(user.pk):
            raise InvalidInput("Set up an authenticator app first; recovery codes come with it.")
        codes = recovery_codes.replace_recovery_codes(user.pk)
        return Response(s.RecoveryCodesSerializer({"recovery_codes": codes}).data)


class AuthenticatorRemoveView(GlobalView):
    permission_classes = [IsPerson, RequiresRecentMfa]

    @extend_schema(
        summary="Remove one of your authenticators",
        request=None,
        responses={
            204: None,
            403: OpenApiResponse(ERROR_BODY, description="mfa_required"),
            404: OpenApiResponse(ERROR_BODY),
        },
        tags=TAG,
    )
    def post(self, request: Request, pk: int) -> Response:
        authenticators.remove_authenticator(request.user, pk, client=client_info(request))  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MfaResetView(GlobalView):
    """A platform operator removes every second factor of a person (audited; the person is told)."""

    permission_classes = [IsPlatformOperator, RequiresRecentMfa]

    @extend_schema(
        summary="Reset a person's second factors",
        request=s.MfaResetInputSerializer,
        responses={
            200: s.MfaResetOutputSerializer,
            403: OpenApiResponse(ERROR_BODY),
            404: OpenApiResponse(ERROR_BODY),
        },
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        body = s.MfaResetInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not User.objects.filter(pk=body.validated_data["user_id"]).exists():
            raise NotFound("No such person.")
        removed = authenticators.reset_mfa(
            body.validated_data["user_id"],
            operator=request.user,  # type: ignore[arg-type]
            reason=body.validated_data["reason"],
        )
        return Response(s.MfaResetOutputSerializer({"removed_authenticators": removed}).data)


class TenantPoliciesView(NexusAPIView):
    """The tenant's policies, read and changed by its administrators; security ones after a step-up."""

    permission_classes = [IsTenantAdmin]

    @extend_schema(summary="The tenant's policies", responses={200: s.TenantPoliciesSerializer}, tags=TAG)
    def get(self, request: Request) -> Response:
        return Response(s.TenantPoliciesSerializer(request.tenant).data)  # type: ignore[attr-defined]

    @extend_schema(
        summary="Change the tenant's policies",
        description="Only the fields sent change; null restores a policy's default. Changing a "
        "security policy (MFA, login lifetimes, step-up window, refresh grace) needs a recent step-up. "
        "Audited as tenancy.policies_changed with each change's before and after.",
        request=s.TenantPoliciesSerializer,
        responses={
            200: s.TenantPoliciesSerializer,
            400: OpenApiResponse(ERROR_BODY, description="A value out of range, or an unknown role."),
            403: OpenApiResponse(ERROR_BODY, description="Not a tenant admin, or mfa_required."),
        },
        tags=TAG,
    )
    def patch(self, request: Request) -> Response:
        body = s.TenantPoliciesSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changes = body.to_policies()
        if SECURITY_POLICIES.intersection(changes):
            require_recent_mfa(request)
        tenant = change_policies(
            request.tenant.pk,  # type: ignore[attr-defined]
            changes,
            actor=ActorRef.for_user(request.user),
        )
        return Response(s.TenantPoliciesSerializer(tenant).data)
