"""Token login and logout for API clients; both run the one login service (``nexus.accounts.login``)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.accounts.login import Via, log_out
from nexus.accounts.login_flow import begin_login
from nexus.core.api.base import NexusAPIView
from nexus.core.api.permissions import IsPerson
from nexus.core.api.throttling import AnonRateThrottle
from nexus.core.api.transitions import ERROR_BODY

from .auth_views import login_answer
from .serializers import LoginInputSerializer, LoginOutputSerializer


class LoginView(NexusAPIView):
    """Exchange an email address and password for a login token."""

    tenant_required = False
    permission_classes = [AllowAny]
    # No session or token is read here: the caller is proving who they are.
    authentication_classes: list[type] = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        summary="Log in with a password; receive a token",
        request=LoginInputSerializer,
        responses={
            200: LoginOutputSerializer,
            400: OpenApiResponse(
                ERROR_BODY, description="invalid_credentials: one answer for every refusal, lockout included."
            ),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        body = LoginInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The full login: lockout before the password, then a second factor where the person has one.
        outcome = begin_login(
            request, body.validated_data["email"], body.validated_data["password"], via=Via.TOKEN
        )
        data = login_answer(outcome)
        if outcome.challenge is None:
            user = outcome.user
            data["user"] = {"id": user.pk, "email": user.email, "full_name": user.full_name}
        return Response(LoginOutputSerializer(data).data)


class LogoutView(NexusAPIView):
    """End the login this request is made with (its token, or its session)."""

    tenant_required = False
    mfa_enrolment_allowed = True
    permission_classes = [IsPerson]

    @extend_schema(
        summary="Log out: revoke the token presented, or end the session",
        request=None,
        responses={
            204: None,
            401: OpenApiResponse(ERROR_BODY, description="Not logged in."),
            403: OpenApiResponse(
                ERROR_BODY, description="person_required: a service token has no login to end."
            ),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        log_out(request)
        return Response(status=status.HTTP_204_NO_CONTENT)
