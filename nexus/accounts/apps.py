from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nexus.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .devices import record_session_login, record_session_logout
        from .retention import register_login_purge_rules

        # Session logins from anywhere (admin form, django.contrib.auth.login) get a device.
        user_logged_in.connect(record_session_login, dispatch_uid="nexus.accounts.session_login")
        user_logged_out.connect(record_session_logout, dispatch_uid="nexus.accounts.session_logout")
        register_login_purge_rules()
