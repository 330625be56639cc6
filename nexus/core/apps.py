from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nexus.core"
    label = "core"
    verbose_name = "Kernel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Listeners subscribe at import: load every installed app's ``listeners`` module.
        autodiscover_modules("listeners")

        from .counters import register_counter_purge_rule
        from .events.purge_rules import register_outbox_purge_rules

        register_outbox_purge_rules()
        register_counter_purge_rule()

        from .idempotency import register_idempotency_purge_rule

        register_idempotency_purge_rule()

        from .lookups import register as register_lookups

        register_lookups()

        from .audit.system_entries import connect_migration_signals, record_system_context_entry
        from .scope import system_entry_recorders

        # Every entry into the system context becomes an audit event.
        if record_system_context_entry not in system_entry_recorders:
            system_entry_recorders.append(record_system_context_entry)
        connect_migration_signals()

        from django.db.models.signals import post_migrate

        from .iso_currencies import ensure_currencies

        post_migrate.connect(ensure_currencies, sender=self, dispatch_uid="nexus.core.ensure_currencies")

        from .admin.list_rendering import install as install_list_rendering

        install_list_rendering()

        # Registers the checks that state fields are writable only through transitions.
        from .transitions import system_checks  # noqa: F401
