from django.apps import AppConfig


class KernelExampleConfig(AppConfig):
    """A small app, installed only in the test settings, to exercise the kernel before real workflows."""

    name = "tests.kernel_example"
    label = "kernel_example"
    default_auto_field = "django.db.models.BigAutoField"
