"""The anonymous identity endpoints: sign-up, email verification, password reset, accepting invitations.

None of them reads a session or a token: the caller proves something with what they send.
Sign-up and reset answer **202 with the same body** whatever the address: nobody learns whether
it has an account (its owner gets an email instead). Bad input is a 400 with field errors and
changes nothing.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from identity_ops.wiring import access
from identity_ops.workflows.invitations import accept_invitation
from identity_ops.workflows.passwords import RESET_ANSWER, confirm_password_reset, request_password_reset
from identity_ops.workflows.registration import SignUp, resend_verification, sign_up, verify_email
from nexus.core.api.base import NexusAPIView
from nexus.core.api.throttling import AnonRateThrottle
from nexus.core.api.transitions import ERROR_BODY

from .serializers import (
    AcceptedAnswerSerializer,
    AcceptedInvitationSerializer,
    AcceptInvitationSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    ResendVerificationSerializer,
    SignUpSerializer,
    TokenSerializer,
    VerifiedSerializer,
)

SIGN_UP_ANSWER = (
    "Check your email: if the address can join, we have sent it a link to finish signing up. "
    "The link works for a limited time."
)
RESEND_ANSWER = "If a sign-up with this address is waiting, we have sent it a new link."

BAD_INPUT = OpenApiResponse(ERROR_BODY, description="Invalid input; see `fields`. Nothing was changed.")
THROTTLED = OpenApiResponse(ERROR_BODY, description="Too many requests for this address; try later.")


class AnonymousIdentityView(NexusAPIView):
    tenant_required = False
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AnonRateThrottle]


class SignUpView(AnonymousIdentityView):
    @extend_schema(
        summary="Sign up into a tenant that accepts sign-ups",
        description="Answers 202 with the same body whether or not the address has an account; the "
        "owner receives either a verification link or a note that the address is already known. "
        "Retrying with the same `idempotency_key` registers nothing twice.",
        request=SignUpSerializer,
        responses={
            202: AcceptedAnswerSerializer,
            400: BAD_INPUT,
            409: OpenApiResponse(ERROR_BODY),
            429: THROTTLED,
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        body = SignUpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        sign_up(
            SignUp(
                tenant=data["tenant"],
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                idempotency_key=data["idempotency_key"],
                client=access().client(request),
            )
        )
        return Response({"detail": SIGN_UP_ANSWER}, status=status.HTTP_202_ACCEPTED)


class VerifyEmailView(AnonymousIdentityView):
    @extend_schema(
        summary="Verify an email address with the emailed link's key",
        description="Completes the sign-up: the account and the membership become active.",
        request=TokenSerializer,
        responses={200: VerifiedSerializer, 400: BAD_INPUT},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        body = TokenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        verified = verify_email(body.validated_data["token"], client=access().client(request))
        return Response(
            {
                "detail": f"Your address is verified; you are now a member of {verified.tenant_name}.",
                "tenant": verified.tenant_slug,
                "tenant_name": verified.tenant_name,
                "email": verified.email,
            }
        )


class ResendVerificationView(AnonymousIdentityView):
    @extend_schema(
        summary="Send a waiting sign-up's verification link again",
        description="Answers 202 with the same body whether or not such a sign-up exists.",
        request=ResendVerificationSerializer,
        responses={202: AcceptedAnswerSerializer, 400: BAD_INPUT, 429: THROTTLED},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        body = ResendVerificationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        resend_verification(tenant=body.validated_data["tenant"], email=body.validated_data["email"])
        return Response({"detail": RESEND_ANSWER}, status=status.HTTP_202_ACCEPTED)


class PasswordResetView(AnonymousIdentityView):
    @extend_schema(
        summary="Ask for a password reset link",
        description="Answers 202 with the same body whether or not the address has an account.",
        request=PasswordResetSerializer,
        responses={202: AcceptedAnswerSerializer, 400: BAD_INPUT, 429: THROTTLED},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        body = PasswordResetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        request_password_reset(body.validated_data["email"], client=access().client(request))
        return Response({"detail": RESET_ANSWER}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(AnonymousIdentityView):
    @extend_schema(
        summary="Choose a new password with a reset link's key",
        description="Every session and token of the account ends. A refused password leaves the link usable.",
        request=PasswordResetConfirmSerializer,
        responses={200: AcceptedAnswerSerializer, 400: BAD_INPUT},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        body = PasswordResetConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        confirm_password_reset(
            body.validated_data["token"], body.validated_data["password"], client=access().client(request)
        )
        return Response({"detail": "Your password was changed; sign in with it."})


class AcceptInvitationView(AnonymousIdentityView):
    @extend_schema(
        summary="Accept an invitation with the emailed link's key",
        description="A new account chooses its password here; an existing account joins with the one "
        "it has (never a second account).",
        request=AcceptInvitationSerializer,
        responses={200: AcceptedInvitationSerializer, 400: BAD_INPUT},
        tags=["invitations"],
    )
    def post(self, request: Request) -> Response:
        body = AcceptInvitationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        accepted = accept_invitation(
            data["token"],
            password=data["password"],
            full_name=data["full_name"],
            client=access().client(request),
        )
        return Response(
            {
                "detail": f"You are now a member of {accepted.tenant_name}.",
                "tenant": accepted.tenant_slug,
                "tenant_name": accepted.tenant_name,
                "email": accepted.email,
                "new_account": accepted.new_account,
            }
        )
