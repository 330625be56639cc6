"""Routes of the identity API, included under ``/api/v1/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .auth import (
    AcceptInvitationView,
    PasswordResetConfirmView,
    PasswordResetView,
    ResendVerificationView,
    SignUpView,
    VerifyEmailView,
)
from .invitations import InvitationViewSet
from .members import MemberViewSet
from .people import DeactivateMeView, MeView, UserViewSet
from .registrations import RegistrationViewSet

router = SimpleRouter()
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("members", MemberViewSet, basename="member")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/signup/", SignUpView.as_view(), name="auth-signup"),
    path("auth/verify-email/", VerifyEmailView.as_view(), name="auth-verify-email"),
    path("auth/verify-email/resend/", ResendVerificationView.as_view(), name="auth-verify-email-resend"),
    path("auth/password-reset/", PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm/", PasswordResetConfirmView.as_view(), name="auth-password-reset-confirm"
    ),
    # Before the router: "accept" would otherwise be taken for an invitation's id.
    path("invitations/accept/", AcceptInvitationView.as_view(), name="invitation-accept"),
    path("me/", MeView.as_view(), name="me"),
    path("me/deactivate/", DeactivateMeView.as_view(), name="me-deactivate"),
    *router.urls,
]
