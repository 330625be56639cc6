"""WSGI entry point (gunicorn nexus.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus.settings.base")
application = get_wsgi_application()
