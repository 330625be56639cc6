"""People are administered with their lifecycle by identity operations (``identity_ops.admin``)."""
