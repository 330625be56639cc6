"""``runserver`` that also runs the periodic jobs in-process in the embedded mode.

Django's autoreloader runs this command twice: a parent process that only watches the files
and restarts a child, and the child that serves. ``inner_run`` runs in the serving process
only (the child, or the one process with ``--noreload``), so the embedded scheduler starts
there, once; after a reload the new child starts it again as the old one exits with its own.
"""

from typing import Any

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver

from nexus.core.embedded_scheduler import start_embedded_scheduler


class Command(StaticfilesRunserver):
    help = (
        "Start a development web server; without a broker (the embedded mode) it also runs "
        "Celery beat's periodic jobs in-process."
    )

    def inner_run(self, *args: Any, **options: Any) -> None:
        if start_embedded_scheduler() is not None:
            self.stdout.write("Periodic jobs run in-process (embedded mode: no broker, no beat).\n")
        super().inner_run(*args, **options)
