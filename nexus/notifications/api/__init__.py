"""The caller's own in-app notifications: ``/api/v1/notifications/``."""
