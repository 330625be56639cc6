from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nexus.core"
    label = "core"
    verbose_name = "Kernel"
    default_auto_field = "django.db.models.BigAutoField"
