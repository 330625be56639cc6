"""Routes of the MFA enrolment API, included under ``/api/v1/``."""

from django.urls import path

from . import auth_mfa

urlpatterns = [
    path("auth/mfa/totp/", auth_mfa.TotpEnrolmentStartView.as_view(), name="auth-mfa-totp"),
    path("auth/mfa/totp/<int:pk>/", auth_mfa.TotpEnrolmentDetailView.as_view(), name="auth-mfa-totp-detail"),
    path(
        "auth/mfa/totp/<int:pk>/confirm/",
        auth_mfa.TotpEnrolmentConfirmView.as_view(),
        name="auth-mfa-totp-confirm",
    ),
    path(
        "auth/mfa/totp/<int:pk>/cancel/",
        auth_mfa.TotpEnrolmentCancelView.as_view(),
        name="auth-mfa-totp-cancel",
    ),
]
