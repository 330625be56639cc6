"""The identity API: sign-up, verification, password reset, invitations, members, users, ``/me/``."""
