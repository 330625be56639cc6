from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "nexus.inventory"
    label = "inventory"
    verbose_name = "Inventory"
    default_auto_field = "django.db.models.BigAutoField"
