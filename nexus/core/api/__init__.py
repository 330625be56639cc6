"""The API kernel: base views, exception handler, pagination, transition actions."""
