"""WSGI entry point (gunicorn nexus.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus.settings.base")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the worker: moved out
# of the collector's generations, a full collection no longer walks it, which was a pause of
# tens of milliseconds in an occasional request building a large page.
gc.freeze()
