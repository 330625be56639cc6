"""Nexus: the project, the kernel and the atomic domains."""

from .celery import app as celery_app

__all__ = ["celery_app"]
