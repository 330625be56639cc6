from django.apps import AppConfig


class IdentityOpsConfig(AppConfig):
    name = "identity_ops"
    label = "identity_ops"
    verbose_name = "Identity operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .retention import register_invitation_purge_rule, register_link_key_purge_rule

        register_invitation_purge_rule()
        register_link_key_purge_rule()
