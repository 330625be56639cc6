"""The login API: token login and logout (``/api/v1/auth/login/``, ``/api/v1/auth/logout/``)."""
