"""Enrolling an authenticator app over the API: start (QR code), confirm with a code, cancel.

Open to a login limited to enrolment (``mfa_enrolment_allowed``): under a tenant's MFA policy
that is all such a login may do until a factor is confirmed.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from identity_ops.contracts.mfa import Client
from identity_ops.wiring import access
from identity_ops.workflows import mfa_enrolment
from nexus.core.api.base import NexusAPIView
from nexus.core.api.permissions import IsPerson
from nexus.core.api.transitions import ERROR_BODY

TAG = ["auth"]


def request_client(request: Request) -> Client:
    known = access().client(request)
    return Client(ip_address=known.ip_address, user_agent=known.user_agent)


class EnrolmentStartInput(serializers.Serializer):
    name = serializers.CharField(
        max_length=100, required=False, default="Authenticator app", help_text="To tell your apps apart."
    )


class EnrolmentStartedOutput(serializers.Serializer):
    enrolment_id = serializers.IntegerField()
    status = serializers.CharField()
    expires_at = serializers.DateTimeField()
    secret = serializers.CharField(help_text="Base32 secret, for apps that cannot scan the code.")
    otpauth_uri = serializers.CharField()
    qr_svg = serializers.CharField(help_text="The otpauth URI as an inline SVG QR code.")


class EnrolmentCodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class EnrolmentConfirmedOutput(serializers.Serializer):
    enrolment_id = serializers.IntegerField()
    status = serializers.CharField()
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Ten single-use codes, shown only now (empty if you already had codes).",
    )


class EnrolmentView(NexusAPIView):
    tenant_required = False
    permission_classes = [IsPerson]
    mfa_enrolment_allowed = True


def _started(started: mfa_enrolment.EnrolmentStarted) -> dict[str, Any]:
    return {
        "enrolment_id": started.enrolment.pk,
        "status": started.enrolment.status,
        "expires_at": started.enrolment.expires_at,
        "secret": started.secret,
        "otpauth_uri": started.otpauth_uri,
        "qr_svg": started.qr_svg,
    }


class TotpEnrolmentStartView(EnrolmentView):
    """Start enrolling an authenticator app: scan the QR code, then confirm with a code."""

    # Its answer holds a secret shown once: never stored for an Idempotency-Key.
    idempotent_posts = False

    @extend_schema(
        summary="Start enrolling an authenticator app",
        request=EnrolmentStartInput,
        responses={201: EnrolmentStartedOutput},
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        body = EnrolmentStartInput(data=request.data)
        body.is_valid(raise_exception=True)
        started = mfa_enrolment.start_totp_enrolment(request.user, label=body.validated_data["name"])
        return Response(EnrolmentStartedOutput(_started(started)).data, status=status.HTTP_201_CREATED)


class TotpEnrolmentDetailView(EnrolmentView):
    @extend_schema(
        summary="Show a pending enrolment's QR code again",
        responses={200: EnrolmentStartedOutput, 404: OpenApiResponse(ERROR_BODY)},
        tags=TAG,
    )
    def get(self, request: Request, pk: int) -> Response:
        started = mfa_enrolment.show_pending_enrolment(request.user, pk)
        return Response(EnrolmentStartedOutput(_started(started)).data)


class TotpEnrolmentConfirmView(EnrolmentView):
    # Its answer holds a secret shown once: never stored for an Idempotency-Key.
    idempotent_posts = False

    @extend_schema(
        summary="Confirm an enrolment with a code from the app",
        request=EnrolmentCodeInput,
        responses={
            200: EnrolmentConfirmedOutput,
            400: OpenApiResponse(ERROR_BODY, description="The code is not valid (fields.code)."),
            404: OpenApiResponse(ERROR_BODY),
            409: OpenApiResponse(ERROR_BODY, description="Not pending any more, or expired."),
        },
        tags=TAG,
    )
    def post(self, request: Request, pk: int) -> Response:
        body = EnrolmentCodeInput(data=request.data)
        body.is_valid(raise_exception=True)
        confirmed = mfa_enrolment.confirm_totp_enrolment(
            request.user, pk, body.validated_data["code"], client=request_client(request)
        )
        data = {
            "enrolment_id": confirmed.enrolment.pk,
            "status": confirmed.enrolment.status,
            "recovery_codes": confirmed.recovery_codes,
        }
        return Response(EnrolmentConfirmedOutput(data).data)


class TotpEnrolmentCancelView(EnrolmentView):
    @extend_schema(
        summary="Abandon a pending enrolment",
        request=None,
        responses={
            200: inline_serializer(
                "EnrolmentCancelled",
                {"enrolment_id": serializers.IntegerField(), "status": serializers.CharField()},
            ),
            404: OpenApiResponse(ERROR_BODY),
            409: OpenApiResponse(ERROR_BODY),
        },
        tags=TAG,
    )
    def post(self, request: Request, pk: int) -> Response:
        enrolment = mfa_enrolment.cancel_enrolment(request.user, pk)
        return Response({"enrolment_id": enrolment.pk, "status": enrolment.status})
