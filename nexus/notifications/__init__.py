"""Notification outbox with email and in-app delivery."""
