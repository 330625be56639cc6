from django.apps import AppConfig


class KernelExampleConfig(AppConfig):
    """A small app, installed only in the test settings, to exercise the kernel before real workflows."""

    name = "tests.kernel_example"
    label = "kernel_example"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.core.transitions import declare_writes

        from .models import Gadget
        from .writes import keep_archive_note

        declare_writes(Gadget, "archive", keep_archive_note)
