from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "nexus.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus.core.transitions import declare_lock_first

        from .models import Membership
        from .services import lock_administrators

        # Suspending or removing checks that the tenant keeps an active administrator; the
        # tenant's administrators are locked before the membership, so two such changes at once
        # cannot both pass the check.
        declare_lock_first(Membership, ["suspend", "remove"], lock_administrators)
