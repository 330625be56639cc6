"""The emailed links' pages, at the paths ``IDENTITY_OPS_LINKS`` names by default.

The reset page is named ``admin_password_reset``, Django's name for it: the admin's login form
then offers "Forgotten your password?".
"""

from django.urls import path

from . import views

urlpatterns = [
    path("accept-invitation/", views.accept_invitation_page, name="accept-invitation"),
    path("verify-email/", views.verify_email_page, name="verify-email"),
    path("reset-password/", views.reset_password_page, name="admin_password_reset"),
]
