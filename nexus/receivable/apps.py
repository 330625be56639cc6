from django.apps import AppConfig


class ReceivableConfig(AppConfig):
    name = "nexus.receivable"
    label = "receivable"
    verbose_name = "Receivable"
    default_auto_field = "django.db.models.BigAutoField"
