"""The Celery application; configuration comes from Django settings prefixed ``CELERY_``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus.settings.base")

# Every task carries the tenant it was queued in (nexus.core.tasking).
app = Celery("nexus", task_cls="nexus.core.tasking:TenantTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
