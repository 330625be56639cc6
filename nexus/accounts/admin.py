"""People are administered with their lifecycle by identity operations (``identity_ops.admin``)."""

# Login security (lockouts, service tokens) is administered here: mechanisms of this app.
from . import admin_security  # noqa: F401
