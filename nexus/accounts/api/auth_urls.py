"""Routes of the login-security API, included under ``/api/v1/``."""

from django.urls import path

from . import auth_schema  # noqa: F401  (registers the token scheme with the OpenAPI schema)
from . import auth_views as views

urlpatterns = [
    path("auth/mfa/verify/", views.MfaVerifyView.as_view(), name="auth-mfa-verify"),
    path("auth/mfa/", views.MfaStatusView.as_view(), name="auth-mfa"),
    path("auth/mfa/recovery-codes/", views.RecoveryCodesView.as_view(), name="auth-mfa-recovery-codes"),
    path(
        "auth/mfa/authenticators/<int:pk>/remove/",
        views.AuthenticatorRemoveView.as_view(),
        name="auth-mfa-authenticator-remove",
    ),
    path("auth/mfa/reset/", views.MfaResetView.as_view(), name="auth-mfa-reset"),
    path("auth/refresh/", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/step-up/", views.StepUpView.as_view(), name="auth-step-up"),
    path("auth/password/", views.PasswordChangeView.as_view(), name="auth-password"),
    path("auth/sessions/", views.LoginListView.as_view(), name="auth-sessions"),
    path("auth/sessions/<int:pk>/revoke/", views.LoginRevokeView.as_view(), name="auth-session-revoke"),
    path(
        "auth/sessions/revoke-others/",
        views.LoginRevokeOthersView.as_view(),
        name="auth-sessions-revoke-others",
    ),
    path(
        "auth/sessions/revoke-member/",
        views.MemberLoginsRevokeView.as_view(),
        name="auth-sessions-revoke-member",
    ),
    path("auth/tokens/", views.ServiceTokenListView.as_view(), name="auth-tokens"),
    path("tenant/", views.TenantPoliciesView.as_view(), name="tenant-policies"),
    path("auth/tokens/<int:pk>/revoke/", views.ServiceTokenRevokeView.as_view(), name="auth-token-revoke"),
    path(
        "auth/tokens/<int:pk>/take-over/",
        views.ServiceTokenTakeOverView.as_view(),
        name="auth-token-take-over",
    ),
    path("auth/lockouts/", views.LockoutListView.as_view(), name="auth-lockouts"),
    path("auth/lockouts/<int:pk>/clear/", views.LockoutClearView.as_view(), name="auth-lockout-clear"),
]
